#ifndef FRACTAL_CLIBXML2_SHIM_H
#define FRACTAL_CLIBXML2_SHIM_H

// Debian's libxml2 headers pull in the system ICU, whose UErrorCode clashes with the one
// Foundation ships: turn ICU off before the other headers.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/parserInternals.h>

#endif
