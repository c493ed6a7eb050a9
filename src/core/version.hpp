#pragma once

namespace parbench {
extern const char* const kVersion;    // project version from CMakeLists.txt
extern const char* const kGitCommit;  // commit the build was configured from ("unknown" outside git)
}  // namespace parbench
