#include "output/durable_file.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "h5/h5.hpp"

namespace parbench::output {
namespace {

namespace fs = std::filesystem;

fs::path beside(const fs::path& path, const char* suffix) {
  std::string name = ".";  // built step by step: GCC 12 warns (-Wrestrict, falsely) on "." + std::string
  name += path.filename().string();
  name += suffix;
  return path.parent_path() / name;
}

void fsync_path(const fs::path& path, bool directory) {
  const fs::path p = path.empty() ? fs::path(".") : path;
  const int fd = ::open(p.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + p.string() + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw std::system_error(errno, std::generic_category(), "fsync " + p.string());
}

// Swaps the two names atomically. Where renameat2(RENAME_EXCHANGE) is unsupported, a hard link keeps the published
// name pointing at a complete file at every step.
void exchange(const fs::path& spare, const fs::path& published) {
  if (::renameat2(AT_FDCWD, spare.c_str(), AT_FDCWD, published.c_str(), RENAME_EXCHANGE) == 0) return;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw std::system_error(errno, std::generic_category(), "swap " + spare.string());
  const fs::path held = swap_path(published);
  fs::remove(held);
  fs::create_hard_link(published, held);  // the old version keeps a second name
  fs::rename(spare, published);           // atomic: the new version is published
  fs::rename(held, spare);                // the old version becomes the spare
}

}  // namespace

fs::path spare_path(const fs::path& path) { return beside(path, ".spare"); }
fs::path swap_path(const fs::path& path) { return beside(path, ".swap"); }

DurableFile::DurableFile(fs::path path, Update create)
    : path_(std::move(path)), spare_(spare_path(path_)), create_(std::move(create)) {
  // Leftovers of an earlier writer may be half-written: never trust them.
  std::error_code ec;
  fs::remove(spare_, ec);
  fs::remove(swap_path(path_), ec);
}

void DurableFile::prepare_spare() {
  if (spare_state_ != Spare::kAbsent) return;
  std::error_code ec;
  if (fs::exists(path_, ec)) {
    fs::copy_file(path_, spare_, fs::copy_options::overwrite_existing);  // once per launch
  } else {
    fs::remove(spare_, ec);
    h5::Object f = h5::create_file(spare_.string());
    create_(f.id());
  }
  spare_state_ = Spare::kCurrent;
}

void DurableFile::publish(const Update& update) {
  prepare_spare();
  {
    h5::Object f = h5::open_file(spare_.string(), true);
    if (spare_state_ == Spare::kOneBehind) behind_(f.id());
    update(f.id());
  }  // closed: HDF5 has written everything
  fsync_path(spare_, false);
  std::error_code ec;
  if (fs::exists(path_, ec)) {
    exchange(spare_, path_);
    spare_state_ = Spare::kOneBehind;
    behind_ = update;
  } else {
    fs::rename(spare_, path_);
    spare_state_ = Spare::kAbsent;
  }
  fsync_path(path_.parent_path(), true);
}

void DurableFile::close() {
  std::error_code ec;
  fs::remove(spare_, ec);
  spare_state_ = Spare::kAbsent;
  behind_ = nullptr;
}

}  // namespace parbench::output
