#include "dataset/csvreader.h"
