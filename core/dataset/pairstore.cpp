#include "dataset/pairstore.h"
