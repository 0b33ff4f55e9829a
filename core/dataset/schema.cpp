#include "dataset/schema.h"
