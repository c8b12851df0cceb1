#include "launcher/cli/app_args.hpp"

#include "launcher/common/error.hpp"

namespace er::launcher {

std::vector<AppArgs> split_app_args(const std::vector<std::string>& rest) {
    // CLI11 hands over everything from the first word it does not know: an option-like first
    // word is a mistyped option of ours, never an app.  (Worded as CLI11 words it.)
    if (!rest.empty() && rest[0].size() > 1 && rest[0][0] == '-' && rest[0] != kAppSeparator) {
        throw Error("The following argument was not expected: " + rest[0] +
                    " (see enclave-run --help)");
    }
    std::vector<std::vector<std::string>> groups(1);
    for (const std::string& word : rest) {
        if (word == kAppSeparator) {
            groups.emplace_back();
        } else {
            groups.back().push_back(word);
        }
    }
    std::vector<AppArgs> apps;
    for (size_t i = 0; i < groups.size(); ++i) {
        std::vector<std::string>& words = groups[i];
        if (words.empty()) {
            if (i == 0) throw Error("APP is required (see enclave-run --help)");
            throw Error(std::string(kAppSeparator) + " must be followed by an APP (app " +
                        std::to_string(i + 1) + " is empty)");
        }
        if (words[0] == "--" || words[0].empty()) {
            throw Error("app " + std::to_string(i + 1) + ": '" + words[0] +
                        "' is not a program path");
        }
        AppArgs app;
        app.app = words[0];
        size_t first = (words.size() > 1 && words[1] == "--") ? 2 : 1;
        app.args.assign(words.begin() + static_cast<std::ptrdiff_t>(first), words.end());
        apps.push_back(std::move(app));
    }
    return apps;
}

}  // namespace er::launcher
