// Provides std::ios_base_library_init() for systems whose libstdc++ predates GCC 13
// (GLIBCXX_3.4.32). TorchSharp 0.107's libLibTorchSharp.so references this one symbol;
// GCC 13 emits the call only to make sure the iostreams are initialised, which is
// exactly what constructing an ios_base::Init does on older libstdc++.
#include <ios>

namespace std
{
    void ios_base_library_init()
    {
        static ios_base::Init init;
    }
}
