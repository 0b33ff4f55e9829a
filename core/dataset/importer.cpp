#include "dataset/importer.h"
