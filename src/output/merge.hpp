#pragma once
#include <string>
#include <vector>

namespace parbench::output {

// `parbench merge`: joins parbench files into a new file without loss. Runs are copied whole (groups, attributes,
// datasets) and renumbered so run ids stay unique; every input must be a parbench file of this schema version.
// The output must not exist yet; it appears atomically when complete. Throws UserError on bad input.
void merge(const std::vector<std::string>& inputs, const std::string& output);

}  // namespace parbench::output
