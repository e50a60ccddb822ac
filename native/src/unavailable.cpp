// Core-only build: the message every TensorRT entry point reports. The entry points themselves are generated from
// the header (generated/unavailable.g.cpp, by src/TrtSharp.BindGen). Compiled only when CMake did not find TensorRT;
// the full build compiles the real implementations instead.
#include "internal.hpp"

namespace trts {

trts_status unavailable(char const* function) noexcept
{
    try
    {
        return fail(TRTS_E_UNAVAILABLE, std::string(function) +
        ": this trtsharp_native was built without TensorRT (core-only). Install TensorRT 10.x or 11.x and the CUDA "
        "runtime, and load a trtsharp_native built with them: the one the TrtSharp package ships under "
        "runtimes/<rid>/native/, or one built from the TrtSharp sources with CMake (-DTensorRT_ROOT=<tensorrt dir>), "
        "found through TRTSHARP_NATIVE_PATH.");
    }
    catch (...)
    {
        return TRTS_E_UNAVAILABLE;
    }
}

} // namespace trts
