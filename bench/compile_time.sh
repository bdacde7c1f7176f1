#!/usr/bin/env bash
# bench/compile_time.sh [CXX] [REPEATS] — what including shannon costs a user's translation unit.
#
# Compiles (-std=c++20 -O2 -c, the minimum of REPEATS runs each) a bare TU that includes <vector>
# and <cmath> and calls std::log, then TUs that include a shannon header and call one quantity for
# doubles, and prints seconds, peak memory and the ratio to the bare TU. Issue 17's target: the core
# header <shannon/shannon.hpp> with built-in types at most 2.5 times the bare TU (GCC 12).
set -euo pipefail
cxx=${1:-g++-12}
repeats=${2:-5}
inc="$(cd "$(dirname "$0")/.." && pwd)/include"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

cat >"$dir/bare.cpp" <<'CPP'
#include <cmath>
#include <vector>
int main() { std::vector<double> p{0.5, 0.5}; return std::log(p[0]) < 0 ? 0 : 1; }
CPP
cat >"$dir/core_header.cpp" <<'CPP'
#include <shannon/shannon.hpp>
int main() { return 0; }
CPP
cat >"$dir/core_kl.cpp" <<'CPP'
#include <shannon/shannon.hpp>
#include <vector>
int main() {
    std::vector<double> p{0.5, 0.5}, q{0.25, 0.75};
    return shannon::kl_divergence(p, q) > 0 ? 0 : 1;
}
CPP
cat >"$dir/core_ce_logits.cpp" <<'CPP'
#include <shannon/shannon.hpp>
#include <vector>
int main() {
    std::vector<std::vector<double>> z{{1.0, 2.0, 3.0}, {0.5, 0.25, 0.0}};
    std::vector<std::vector<double>> y{{0.0, 0.0, 1.0}, {1.0, 0.0, 0.0}};
    return shannon::categorical_cross_entropy_with_logits(y, z) > 0 ? 0 : 1;
}
CPP
cat >"$dir/exact_round.cpp" <<'CPP'
#include <shannon/exact.hpp>
#include <vector>
int main() {
    std::vector<double> p{0.5, 0.5}, q{0.25, 0.75};
    return shannon::exact::round(shannon::exact::format::binary64, shannon::kl_divergence, p, q).value > 0 ? 0 : 1;
}
CPP

measure() {  # file -> "seconds peak_MB" (minimum time of the repeats)
    local best="" mem=""
    for _ in $(seq "$repeats"); do
        local out
        out=$( { /usr/bin/time -f "%e %M" "$cxx" -std=c++20 -O2 -I"$inc" -c "$dir/$1" -o "$dir/out.o"; } 2>&1 | tail -1)
        local t=${out% *} m=${out#* }
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; mem=$m; fi
    done
    echo "$best $((mem / 1024))"
}

echo "$($cxx --version | head -1), -O2, minimum of $repeats"
read -r base base_mem < <(measure bare.cpp)
printf "%-22s %6.2f s %5d MB   1.0x\n" "bare <vector>+<cmath>" "$base" "$base_mem"
for f in core_header core_kl core_ce_logits exact_round; do
    read -r t m < <(measure "$f.cpp")
    printf "%-22s %6.2f s %5d MB %5.1fx\n" "$f" "$t" "$m" "$(awk "BEGIN{print $t / $base}")"
done
