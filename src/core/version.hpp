#pragma once

namespace parbench {
extern const char* const kVersion;     // project version from CMakeLists.txt
extern const char* const kGitCommit;   // commit the build was configured from ("unknown" outside git)
extern const char* const kCompiler;    // e.g. "GNU 12.2.0"
extern const char* const kBuildFlags;  // build type and the compiler flags every parbench source gets
}  // namespace parbench
