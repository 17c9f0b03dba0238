# lib/: the freestanding string/format library (lib/README.md). It has no build of its own: each
# part compiles these sources with its own flags into its own objects.
#   LIB_SRCS      string and format functions (lib_* names): every part, host builds included
#   LIB_MEM_SRCS  memcpy, memmove, memset, memcmp: only parts without a C library, compiled with
#                 LIB_MEM_CFLAGS added to their own flags
LIB_SRCS := lib/string.c lib/format.c
LIB_MEM_SRCS := lib/mem.c
LIB_MEM_CFLAGS := -fno-tree-loop-distribute-patterns
