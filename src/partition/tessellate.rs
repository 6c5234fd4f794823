//! Cells and adjacency of a community's buildings. (Being written.)
