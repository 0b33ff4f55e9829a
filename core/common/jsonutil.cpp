#include "common/jsonutil.h"
