#include "dataset/pair.h"
