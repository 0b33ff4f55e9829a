#include "dataset/deriver.h"
