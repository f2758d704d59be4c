//! The machinery the audit ([`crate::position`]) and the optimiser ([`crate::solve`]) share:
//! assessment of every resource and supply by pool on a date ([`assess`]), the supply network
//! that says which claims the licence lines can cover at once ([`network`], over the max-flow of
//! [`flow`]), and the exact knapsack with its optimality bound ([`knapsack`]).
//!
//! Why one layer: the audit asks "can today's claims all be covered?" and the optimiser asks
//! "which claims should exist so that they can all be covered and save the most?". Both questions
//! are answered on the same network, so they cannot disagree about what a licence line covers.

pub(crate) mod assess;
pub(crate) mod central;
pub(crate) mod flow;
pub mod knapsack;
pub(crate) mod network;
mod replicas;

pub(crate) use assess::{assess_all, assess_all_as, reassess_respecified, supply_by_pool};
