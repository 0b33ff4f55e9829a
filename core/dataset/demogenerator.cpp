#include "dataset/demogenerator.h"
