#pragma once
// A thin RAII layer over the HDF5 C API: just what the writer, reader and merge need. Errors throw
// std::runtime_error (HDF5's own error stack printing is turned off once, in silence_hdf5_errors()).
#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace parbench::h5 {

void silence_hdf5_errors();

// Owns an hid_t and closes it with the right H5*close.
class Object {
 public:
  Object() = default;
  explicit Object(hid_t id);
  ~Object();
  Object(Object&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Object& operator=(Object&& o) noexcept;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

Object create_file(const std::string& path);  // truncates
Object open_file(const std::string& path, bool writable);
bool is_hdf5(const std::string& path);

bool exists(hid_t parent, const std::string& path);  // link exists (intermediate groups checked)
Object open_group(hid_t parent, const std::string& path);
Object create_group(hid_t parent, const std::string& path);  // creates intermediate groups
Object require_group(hid_t parent, const std::string& path);
std::vector<std::string> members(hid_t group);  // link names in creation order

// Attributes: written with their natural HDF5 type (int64, float64, int8 for bool, variable-length UTF-8 string).
using AttrValue = std::variant<std::int64_t, double, std::string, std::vector<std::int64_t>>;
void set_attr(hid_t obj, const std::string& name, const AttrValue& value);
bool has_attr(hid_t obj, const std::string& name);
AttrValue get_attr(hid_t obj, const std::string& name);  // int types → int64, floats → double
std::vector<std::string> attr_names(hid_t obj);

// Whole datasets. `shape` empty means a scalar (0-d) dataset.
void write(hid_t parent, const std::string& name, const std::vector<double>& data,
           const std::vector<std::int64_t>& shape, const std::string& units = "");
void write(hid_t parent, const std::string& name, const std::vector<std::int64_t>& data,
           const std::vector<std::int64_t>& shape, const std::string& units = "");
void write(hid_t parent, const std::string& name, const std::vector<std::int8_t>& data,
           const std::vector<std::int64_t>& shape, const std::string& units = "");
void write(hid_t parent, const std::string& name, const std::vector<std::string>& data,
           const std::vector<std::int64_t>& shape);

// A dataset read back as one of these, with its shape.
struct Data {
  std::vector<std::int64_t> shape;
  std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::string>> values;
};
Data read(hid_t parent, const std::string& name);

// What a dataset holds, without reading it: its type class and shape; nullopt when `name` is not a dataset.
enum class TypeClass { kInteger, kFloat, kString, kOther };
struct DatasetInfo {
  TypeClass type;
  std::vector<std::int64_t> shape;
};
std::optional<DatasetInfo> inspect(hid_t parent, const std::string& name);

// A numeric dataset (integers too) read straight into doubles, HDF5 converting in one read.
std::vector<double> read_doubles(hid_t parent, const std::string& name);

// Columns of a table group: extendible 1-D datasets, one value appended per row (int64, float64, int8 for bool,
// UTF-8 string).
using Cell = std::variant<std::int64_t, double, std::string, bool>;
void append_row(hid_t table, const std::vector<std::pair<std::string, Cell>>& row);

// A second name for the object at `existing` (a path in the same file): an HDF5 hard link.
void link(hid_t file, const std::string& existing, hid_t parent, const std::string& name);

// Copies every attribute, group and dataset of src_path in `src` to dst_path in `dst`.
void copy(hid_t src, const std::string& src_path, hid_t dst, const std::string& dst_path);

}  // namespace parbench::h5
