#!/usr/bin/env bash
# Compiles every full-mode source of the shim against real TensorRT + CUDA headers, without linking.
# Usage: native/compile-check.sh <tensorrt-include-dir> <cuda-include-dir> [compiler]
# The TensorRT major version is read from NvInferVersion.h; on 10.x deprecation warnings are allowed
# (precision flags and the legacy calibrator are deprecated there but still what TensorRT 10 users need).
# Vendor headers are -isystem (as CMake's SYSTEM includes): their own unused parameters are not ours to fix;
# every warning in the shim's code still fails the check.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 <tensorrt-include-dir> <cuda-include-dir> [compiler]" >&2
    exit 2
fi
trt_inc=$1
cuda_inc=$2
cxx=${3:-${CXX:-g++}}
here=$(cd "$(dirname "$0")" && pwd)

for f in "$trt_inc/NvInfer.h" "$trt_inc/NvOnnxParser.h" "$trt_inc/NvInferVersion.h" "$cuda_inc/cuda_runtime_api.h"; do
    [[ -f $f ]] || { echo "missing $f" >&2; exit 2; }
done

# NV_TENSORRT_MAJOR is a number up to 10.15 and an alias of TRT_MAJOR_ENTERPRISE from 10.16; read whichever is numeric.
version_part() {
    sed -n -e "s/^#define TRT_$1_ENTERPRISE \([0-9][0-9]*\).*/\1/p" -e "s/^#define NV_TENSORRT_$1 \([0-9][0-9]*\).*/\1/p" \
        "$trt_inc/NvInferVersion.h" | head -1
}
major=$(version_part MAJOR)
minor=$(version_part MINOR)
flags=(-std=c++17 -Wall -Wextra -Werror -fsyntax-only -DTRTSHARP_WITH_TENSORRT=1 -DTRTSHARP_BUILDING
       -I "$here/include" -isystem "$trt_inc" -isystem "$cuda_inc")
if [[ ${major:-0} -lt 11 ]]; then
    flags+=(-Wno-deprecated-declarations)
fi

echo "compile check: TensorRT ${major}.${minor} headers in $trt_inc, CUDA headers in $cuda_inc, $($cxx --version | head -1)"
status=0
for src in "$here"/src/*.cpp; do
    name=$(basename "$src")
    [[ $name == unavailable.cpp ]] && continue   # core-only stubs are not part of the full build
    if "$cxx" "${flags[@]}" "$src"; then
        echo "  ok   $name"
    else
        echo "  FAIL $name"
        status=1
    fi
done
exit $status
