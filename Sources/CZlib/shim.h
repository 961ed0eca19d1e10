#ifndef FRACTAL_CZLIB_SHIM_H
#define FRACTAL_CZLIB_SHIM_H

#include <zlib.h>

#endif
