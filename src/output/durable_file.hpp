#pragma once
// An HDF5 file that a crash at any moment leaves complete, updated at the cost of what each update writes — not of
// what the file holds. Two copies: the published file, and a private spare beside it (`.NAME.spare`) that is at
// most one update behind. An update goes into the spare, in place (the update it lacks first, then the new one);
// the spare is closed and fsync'ed, then the two names are swapped in one atomic rename (renameat2 RENAME_EXCHANGE;
// link + rename where the file system lacks it). The published file is only ever replaced by a complete, synced
// file, so a crash leaves it whole; a half-updated spare is discarded at the next start. See docs/hdf5-schema.md,
// "Durability". Rank 0 only; one writer per file.
#include <hdf5.h>

#include <filesystem>
#include <functional>

namespace parbench::output {

class DurableFile {
 public:
  using Update = std::function<void(hid_t file)>;

  // `create` writes what a new file starts with (called when the file does not exist yet).
  DurableFile(std::filesystem::path path, Update create);

  // Applies `update` to a copy holding everything published so far and publishes it atomically.
  void publish(const Update& update);

  // Removes the spare copy (it is as large as the file). Updates after close() start a new spare.
  void close();

  const std::filesystem::path& path() const { return path_; }

 private:
  enum class Spare { kAbsent, kCurrent, kOneBehind };
  void prepare_spare();

  std::filesystem::path path_, spare_;
  Update create_;
  Update behind_;  // the update the spare lacks when it is kOneBehind
  Spare spare_state_ = Spare::kAbsent;
};

// The spare copy beside `path`, and the temporary name of an interrupted link-and-rename swap (both are removed
// when a writer starts).
std::filesystem::path spare_path(const std::filesystem::path& path);
std::filesystem::path swap_path(const std::filesystem::path& path);

}  // namespace parbench::output
