#include "h5/h5.hpp"

#include <algorithm>
#include <stdexcept>

namespace parbench::h5 {
namespace {

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: " + what + " failed");
}
hid_t checked(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error("HDF5: " + what + " failed");
  return id;
}

Object string_type() {
  Object t(H5Tcopy(H5T_C_S1));
  check(H5Tset_size(t.id(), H5T_VARIABLE), "string type");
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "string type");
  return t;
}

// Writes with a small type-conversion buffer: HDF5's default (1 MiB, calloc'ed by every write that converts, as
// strings do) made writing a run's small datasets and table rows cost milliseconds of page faults.
hid_t small_transfer() {
  static const hid_t transfer = [] {
    const hid_t p = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_buffer(p, 4096, nullptr, nullptr);
    return p;
  }();
  return transfer;
}

Object space(const std::vector<std::int64_t>& shape) {
  if (shape.empty()) return Object(H5Screate(H5S_SCALAR));
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  return Object(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
}

void set_units(hid_t ds, const std::string& units) {
  if (!units.empty()) set_attr(ds, "units", units);
}

template <class T>
void write_numeric(hid_t parent, const std::string& name, const std::vector<T>& data,
                   const std::vector<std::int64_t>& shape, hid_t file_type, hid_t mem_type, const std::string& units) {
  Object sp = space(shape);
  Object ds(checked(H5Dcreate2(parent, name.c_str(), file_type, sp.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    "create dataset " + name));
  if (!data.empty())
    check(H5Dwrite(ds.id(), mem_type, H5S_ALL, H5S_ALL, small_transfer(), data.data()), "write " + name);
  set_units(ds.id(), units);
}

}  // namespace

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

Object::Object(hid_t id) : id_(id) {
  if (id < 0) throw std::runtime_error("HDF5: invalid handle");
}

Object& Object::operator=(Object&& o) noexcept {
  std::swap(id_, o.id_);
  return *this;
}

Object::~Object() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    default:
      break;
  }
}

Object create_file(const std::string& path) {
  // Track creation order so runs and members list in the order they were written.
  Object fcpl(H5Pcreate(H5P_FILE_CREATE));
  H5Pset_link_creation_order(fcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  return Object(checked(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id(), H5P_DEFAULT), "create " + path));
}

Object open_file(const std::string& path, bool writable) {
  return Object(checked(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT), "open " + path));
}

bool is_hdf5(const std::string& path) { return H5Fis_hdf5(path.c_str()) > 0; }

bool exists(hid_t parent, const std::string& path) {
  std::size_t pos = 0;
  while (true) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (!prefix.empty() && prefix != "/" && H5Lexists(parent, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

Object open_group(hid_t parent, const std::string& path) {
  return Object(checked(H5Gopen2(parent, path.c_str(), H5P_DEFAULT), "open group " + path));
}

Object create_group(hid_t parent, const std::string& path) {
  Object lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Object gcpl(H5Pcreate(H5P_GROUP_CREATE));
  H5Pset_link_creation_order(gcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  return Object(checked(H5Gcreate2(parent, path.c_str(), lcpl.id(), gcpl.id(), H5P_DEFAULT), "create group " + path));
}

Object require_group(hid_t parent, const std::string& path) {
  return exists(parent, path) ? open_group(parent, path) : create_group(parent, path);
}

std::vector<std::string> members(hid_t group) {
  std::vector<std::string> names;
  H5G_info_t info;
  check(H5Gget_info(group, &info), "group info");
  H5_index_t index = H5_INDEX_CRT_ORDER;
  Object gcpl(H5Gget_create_plist(group));
  unsigned flags = 0;
  H5Pget_link_creation_order(gcpl.id(), &flags);
  if (!(flags & H5P_CRT_ORDER_TRACKED)) index = H5_INDEX_NAME;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t n = H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string name(static_cast<std::size_t>(n), '\0');
    H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, name.data(), static_cast<std::size_t>(n) + 1, H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

void set_attr(hid_t obj, const std::string& name, const AttrValue& value) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  if (const auto* s = std::get_if<std::string>(&value)) {
    Object type = string_type();
    Object sp(H5Screate(H5S_SCALAR));
    Object a(checked(H5Acreate2(obj, name.c_str(), type.id(), sp.id(), H5P_DEFAULT, H5P_DEFAULT), "attr " + name));
    const char* p = s->c_str();
    check(H5Awrite(a.id(), type.id(), &p), "write attr " + name);
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    Object sp(H5Screate(H5S_SCALAR));
    Object a(checked(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, sp.id(), H5P_DEFAULT, H5P_DEFAULT), "attr " + name));
    check(H5Awrite(a.id(), H5T_NATIVE_INT64, i), "write attr " + name);
  } else if (const auto* d = std::get_if<double>(&value)) {
    Object sp(H5Screate(H5S_SCALAR));
    Object a(checked(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, sp.id(), H5P_DEFAULT, H5P_DEFAULT), "attr " + name));
    check(H5Awrite(a.id(), H5T_NATIVE_DOUBLE, d), "write attr " + name);
  } else {
    const auto& v = std::get<std::vector<std::int64_t>>(value);
    Object sp = space({static_cast<std::int64_t>(v.size())});
    Object a(checked(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, sp.id(), H5P_DEFAULT, H5P_DEFAULT), "attr " + name));
    if (!v.empty()) check(H5Awrite(a.id(), H5T_NATIVE_INT64, v.data()), "write attr " + name);
  }
}

bool has_attr(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

AttrValue get_attr(hid_t obj, const std::string& name) {
  Object a(checked(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attr " + name));
  Object type(H5Aget_type(a.id()));
  Object sp(H5Aget_space(a.id()));
  const hssize_t n = H5Sget_simple_extent_npoints(sp.id());
  const H5T_class_t cls = H5Tget_class(type.id());
  if (cls == H5T_STRING) {
    if (H5Tis_variable_str(type.id()) > 0) {
      Object mem = string_type();
      char* p = nullptr;
      check(H5Aread(a.id(), mem.id(), &p), "read attr " + name);
      std::string s = p ? p : "";
      H5free_memory(p);
      return s;
    }
    std::string s(H5Tget_size(type.id()), '\0');
    Object mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.id(), s.size());
    check(H5Aread(a.id(), mem.id(), s.data()), "read attr " + name);
    return std::string(s.c_str());
  }
  if (cls == H5T_INTEGER) {
    std::vector<std::int64_t> v(static_cast<std::size_t>(n));
    check(H5Aread(a.id(), H5T_NATIVE_INT64, v.data()), "read attr " + name);
    if (H5Sget_simple_extent_ndims(sp.id()) == 0) return v.at(0);
    return v;
  }
  if (cls == H5T_FLOAT) {
    double d = 0;
    check(H5Aread(a.id(), H5T_NATIVE_DOUBLE, &d), "read attr " + name);
    return d;
  }
  throw std::runtime_error("HDF5: attribute " + name + " has an unsupported type");
}

std::vector<std::string> attr_names(hid_t obj) {
  std::vector<std::string> names;
  H5O_info_t info;
  check(H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS), "object info");
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    ssize_t n = H5Aget_name_by_idx(obj, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0) n = H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string name(static_cast<std::size_t>(n), '\0');
    if (H5Aget_name_by_idx(obj, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT) < 0)
      H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

void write(hid_t parent, const std::string& name, const std::vector<double>& data,
           const std::vector<std::int64_t>& shape, const std::string& units) {
  write_numeric(parent, name, data, shape, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, units);
}
void write(hid_t parent, const std::string& name, const std::vector<std::int64_t>& data,
           const std::vector<std::int64_t>& shape, const std::string& units) {
  write_numeric(parent, name, data, shape, H5T_STD_I64LE, H5T_NATIVE_INT64, units);
}
void write(hid_t parent, const std::string& name, const std::vector<std::int8_t>& data,
           const std::vector<std::int64_t>& shape, const std::string& units) {
  write_numeric(parent, name, data, shape, H5T_STD_I8LE, H5T_NATIVE_INT8, units);
}
void write(hid_t parent, const std::string& name, const std::vector<std::string>& data,
           const std::vector<std::int64_t>& shape) {
  Object type = string_type();
  Object sp = space(shape);
  Object ds(checked(H5Dcreate2(parent, name.c_str(), type.id(), sp.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    "create dataset " + name));
  std::vector<const char*> ptrs;
  for (const std::string& s : data) ptrs.push_back(s.c_str());
  if (!ptrs.empty())
    check(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, small_transfer(), ptrs.data()), "write " + name);
}

Data read(hid_t parent, const std::string& name) {
  Object ds(checked(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "open dataset " + name));
  Object sp(H5Dget_space(ds.id()));
  Object type(H5Dget_type(ds.id()));
  Data out;
  const int rank = H5Sget_simple_extent_ndims(sp.id());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(sp.id(), dims.data(), nullptr);
  out.shape.assign(dims.begin(), dims.end());
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp.id()));
  switch (H5Tget_class(type.id())) {
    case H5T_INTEGER: {
      std::vector<std::int64_t> v(n);
      if (n) check(H5Dread(ds.id(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read " + name);
      out.values = std::move(v);
      break;
    }
    case H5T_FLOAT: {
      std::vector<double> v(n);
      if (n) check(H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read " + name);
      out.values = std::move(v);
      break;
    }
    case H5T_STRING: {
      Object mem = string_type();
      std::vector<char*> ptrs(n, nullptr);
      if (H5Tis_variable_str(type.id()) <= 0) throw std::runtime_error("HDF5: fixed-length strings in " + name);
      if (n) check(H5Dread(ds.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read " + name);
      std::vector<std::string> v;
      for (char* p : ptrs) v.emplace_back(p ? p : "");
      if (n) H5Dvlen_reclaim(mem.id(), sp.id(), H5P_DEFAULT, ptrs.data());
      out.values = std::move(v);
      break;
    }
    default:
      throw std::runtime_error("HDF5: dataset " + name + " has an unsupported type");
  }
  return out;
}

std::optional<DatasetInfo> inspect(hid_t parent, const std::string& name) {
  if (!exists(parent, name)) return std::nullopt;
  const hid_t object = H5Oopen(parent, name.c_str(), H5P_DEFAULT);
  if (object < 0) return std::nullopt;
  Object ds(object);
  if (H5Iget_type(object) != H5I_DATASET) return std::nullopt;
  Object sp(H5Dget_space(ds.id()));
  Object type(H5Dget_type(ds.id()));
  DatasetInfo out{TypeClass::kOther, {}};
  switch (H5Tget_class(type.id())) {
    case H5T_INTEGER:
      out.type = TypeClass::kInteger;
      break;
    case H5T_FLOAT:
      out.type = TypeClass::kFloat;
      break;
    case H5T_STRING:
      out.type = TypeClass::kString;
      break;
    default:
      break;
  }
  const int rank = H5Sget_simple_extent_ndims(sp.id());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(sp.id(), dims.data(), nullptr);
  out.shape.assign(dims.begin(), dims.end());
  return out;
}

std::vector<double> read_doubles(hid_t parent, const std::string& name) {
  Object ds(checked(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "open dataset " + name));
  Object sp(H5Dget_space(ds.id()));
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp.id())));
  if (!values.empty())
    check(H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read " + name);
  return values;
}

void append_row(hid_t table, const std::vector<std::pair<std::string, Cell>>& row) {
  for (const auto& [name, cell] : row) {
    Object type = std::holds_alternative<std::string>(cell) ? string_type()
                  : std::holds_alternative<double>(cell)    ? Object(H5Tcopy(H5T_IEEE_F64LE))
                  : std::holds_alternative<bool>(cell)      ? Object(H5Tcopy(H5T_STD_I8LE))
                                                            : Object(H5Tcopy(H5T_STD_I64LE));
    hid_t mem = std::holds_alternative<std::string>(cell) ? type.id()
                : std::holds_alternative<double>(cell)    ? H5T_NATIVE_DOUBLE
                : std::holds_alternative<bool>(cell)      ? H5T_NATIVE_INT8
                                                          : H5T_NATIVE_INT64;
    if (!exists(table, name)) {
      hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = 64;
      Object sp(H5Screate_simple(1, &zero, &unlimited));
      Object dcpl(H5Pcreate(H5P_DATASET_CREATE));
      check(H5Pset_chunk(dcpl.id(), 1, &chunk), "chunk");
      Object ds(checked(H5Dcreate2(table, name.c_str(), type.id(), sp.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                        "create column " + name));
    }
    Object ds(checked(H5Dopen2(table, name.c_str(), H5P_DEFAULT), "open column " + name));
    Object sp(H5Dget_space(ds.id()));
    hsize_t n = 0;
    H5Sget_simple_extent_dims(sp.id(), &n, nullptr);
    hsize_t grown = n + 1, start = n, count = 1;
    check(H5Dset_extent(ds.id(), &grown), "extend column " + name);
    Object file_space(H5Dget_space(ds.id()));
    check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, &start, nullptr, &count, nullptr), "select");
    Object mem_space(H5Screate_simple(1, &count, nullptr));
    const void* p = nullptr;
    const char* sp_str = nullptr;
    std::int8_t flag = 0;
    if (const auto* s = std::get_if<std::string>(&cell)) {
      sp_str = s->c_str();
      p = &sp_str;
    } else if (const auto* d = std::get_if<double>(&cell)) {
      p = d;
    } else if (const auto* b = std::get_if<bool>(&cell)) {
      flag = *b ? 1 : 0;
      p = &flag;
    } else {
      p = &std::get<std::int64_t>(cell);
    }
    check(H5Dwrite(ds.id(), mem, mem_space.id(), file_space.id(), small_transfer(), p), "append " + name);
  }
}

void link(hid_t file, const std::string& existing, hid_t parent, const std::string& name) {
  check(H5Lcreate_hard(file, existing.c_str(), parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT), "link " + name);
}

void copy(hid_t src, const std::string& src_path, hid_t dst, const std::string& dst_path) {
  Object lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  check(H5Ocopy(src, src_path.c_str(), dst, dst_path.c_str(), H5P_DEFAULT, lcpl.id()), "copy " + src_path);
}

}  // namespace parbench::h5
