#include "dataset/filter.h"
