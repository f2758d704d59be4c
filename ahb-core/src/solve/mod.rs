//! Optimal allocation: which resources should carry AHB, from which licences, to save the most.

pub mod knapsack;
