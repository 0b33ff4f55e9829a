#include "stats/statistics.h"
