/*
 * audit.c: audit an estate through libahb and print the headline numbers and the text report,
 * then compute the optimal plan (ahb_optimize) and print its headline numbers.
 *
 * From the repository root (scripts/test-ffi builds and runs it so, and under valgrind):
 *
 *   cargo build -p ahb-ffi && scripts/install-c "$PWD/target/ahb" target/debug
 *   gcc -std=c11 -Wall -Wextra -Wpedantic -Werror examples/c/audit.c \
 *       $(PKG_CONFIG_PATH=target/ahb/lib/pkgconfig pkg-config --cflags --libs ahb) \
 *       -Wl,-rpath,"$PWD/target/ahb/lib" -o target/audit
 *   target/audit                                   # examples/data/sample-estate.json, 2026-11-25
 *   target/audit FILE [YYYY-MM-DD] [RULE-SET]       # e.g. ... 2026-12-31 2021-11
 *
 * Every ahb_ call returns an ahb_status; on failure the calling thread's last error says what
 * and where. Every handle is freed exactly once, on every path (valgrind checks it).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ahb.h"

/* Prints a failed call's status, its fixed text and the detailed last error. */
static void report_failure(const char *what, ahb_status status) {
  size_t cap = ahb_last_error_length() + 1;
  char *msg = malloc(cap);
  size_t len = 0;
  if (msg != NULL && ahb_last_error_message((uint8_t *)msg, cap, &len) == AHB_STATUS_OK) {
    fprintf(stderr, "%s failed: status %" PRIu32 " (%s): %s\n", what, status,
            ahb_status_message(status), msg);
  } else {
    fprintf(stderr, "%s failed: status %" PRIu32 " (%s)\n", what, status,
            ahb_status_message(status));
  }
  free(msg);
}

/* Reads a whole file; the caller frees *data. Returns 0 on success. */
static int read_file(const char *path, uint8_t **data, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    return 1;
  }
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf != NULL) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    uint8_t *bigger = realloc(buf, cap * 2);
    if (bigger == NULL) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  int failed = buf == NULL || ferror(f);
  fclose(f);
  if (failed) {
    fprintf(stderr, "%s: could not read\n", path);
    free(buf);
    return 1;
  }
  *data = buf;
  *len = n;
  return 0;
}

/* Prints the total selected by `which` as an exact decimal string. */
static ahb_status print_total(const ahb_position *position, uint32_t which, const char *label) {
  char amount[AHB_DECIMAL_CAPACITY];
  size_t len = 0;
  ahb_status s = ahb_position_total(position, which, (uint8_t *)amount, sizeof amount, &len);
  if (s == AHB_STATUS_OK) printf("  %-34s %12s\n", label, amount);
  return s;
}

/* The same for a plan's amounts. */
static ahb_status print_plan_total(const ahb_plan *plan, uint32_t which, const char *label) {
  char amount[AHB_DECIMAL_CAPACITY];
  size_t len = 0;
  ahb_status s = ahb_plan_total(plan, which, (uint8_t *)amount, sizeof amount, &len);
  if (s == AHB_STATUS_OK) printf("  %-34s %12s\n", label, amount);
  return s;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "examples/data/sample-estate.json";
  const char *as_of = argc > 2 ? argv[2] : "2026-11-25";
  const char *version = argc > 3 ? argv[3] : "2023-04";

  int rc = 1;
  uint8_t *json = NULL;
  size_t json_len = 0;
  ahb_estate *estate = NULL;
  ahb_rule_set *rules = NULL;
  ahb_position *position = NULL;
  ahb_bytes *text = NULL;
  ahb_plan *plan = NULL;
  ahb_status s;

  if (read_file(path, &json, &json_len) != 0) goto done;

  if ((s = ahb_estate_from_json(json, json_len, &estate)) != AHB_STATUS_OK) {
    report_failure("ahb_estate_from_json", s);
    goto done;
  }
  if ((s = ahb_rule_set_by_version((const uint8_t *)version, strlen(version), &rules)) !=
      AHB_STATUS_OK) {
    report_failure("ahb_rule_set_by_version", s);
    goto done;
  }
  if ((s = ahb_audit(estate, rules, (const uint8_t *)as_of, strlen(as_of), &position)) !=
      AHB_STATUS_OK) {
    report_failure("ahb_audit", s);
    goto done;
  }

  /* Headline numbers through the typed accessors. */
  uint8_t compliant = 0;
  size_t pools = 0, over = 0, under = 0;
  const char *rule_set_version = NULL;
  if ((s = ahb_position_compliant(position, &compliant)) != AHB_STATUS_OK ||
      (s = ahb_position_pool_count(position, &pools)) != AHB_STATUS_OK ||
      (s = ahb_position_over_claimed_count(position, &over)) != AHB_STATUS_OK ||
      (s = ahb_position_under_claimed_count(position, &under)) != AHB_STATUS_OK ||
      (s = ahb_position_rule_set_version(position, &rule_set_version)) != AHB_STATUS_OK) {
    report_failure("position accessor", s);
    goto done;
  }
  printf("libahb %s (header %d.%d.%d), rule set %s, as of %s\n", ahb_version(),
         AHB_VERSION_MAJOR, AHB_VERSION_MINOR, AHB_VERSION_PATCH, rule_set_version, as_of);
  printf("compliant: %s\n", compliant ? "yes" : "no");
  printf("%-16s %10s %10s %10s %10s\n", "pool", "claimed", "covered", "short", "idle");
  for (size_t i = 0; i < pools; i++) {
    uint32_t kind = 0;
    uint64_t claimed = 0, covered = 0, shortfall = 0, idle = 0;
    if ((s = ahb_position_pool_kind(position, i, &kind)) != AHB_STATUS_OK ||
        (s = ahb_position_pool_claimed(position, i, &claimed)) != AHB_STATUS_OK ||
        (s = ahb_position_pool_covered(position, i, &covered)) != AHB_STATUS_OK ||
        (s = ahb_position_pool_shortfall(position, i, &shortfall)) != AHB_STATUS_OK ||
        (s = ahb_position_pool_idle(position, i, &idle)) != AHB_STATUS_OK) {
      report_failure("pool accessor", s);
      goto done;
    }
    printf("%-16s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
           ahb_pool_name(kind), claimed, covered, shortfall, idle);
  }
  printf("over-claimed: %zu, under-claimed: %zu\n", over, under);
  printf("savings (exact decimals):\n");
  if ((s = print_total(position, AHB_TOTAL_CLAIMED_MONTHLY_SAVINGS, "claimed, per month")) ||
      (s = print_total(position, AHB_TOTAL_AT_RISK_MONTHLY_SAVINGS, "at risk, per month")) ||
      (s = print_total(position, AHB_TOTAL_UNCLAIMED_MONTHLY_SAVINGS, "unclaimed, per month")) ||
      (s = print_total(position, AHB_TOTAL_UNCLAIMED_YEARLY_SAVINGS, "unclaimed, per year"))) {
    report_failure("ahb_position_total", s);
    goto done;
  }

  /* The full text report, as a caller-owned buffer. */
  if ((s = ahb_position_text(position, &text)) != AHB_STATUS_OK) {
    report_failure("ahb_position_text", s);
    goto done;
  }
  printf("\n");
  fwrite(ahb_bytes_data(text), 1, ahb_bytes_len(text), stdout);

  /* The optimal plan on the same date: options are JSON (ahb's OptimizeOptions). */
  char options[128];
  int options_len = snprintf(options, sizeof options,
                             "{\"as_of\": \"%s\", \"objective\": \"max_savings\"}", as_of);
  if (options_len < 0 || (size_t)options_len >= sizeof options) goto done;
  if ((s = ahb_optimize(estate, rules, (const uint8_t *)options, (size_t)options_len, &plan)) !=
      AHB_STATUS_OK) {
    report_failure("ahb_optimize", s);
    goto done;
  }
  uint8_t proven = 0;
  size_t changes = 0;
  if ((s = ahb_plan_proven_optimal(plan, &proven)) != AHB_STATUS_OK ||
      (s = ahb_plan_change_count(plan, &changes)) != AHB_STATUS_OK) {
    report_failure("plan accessor", s);
    goto done;
  }
  printf("\noptimal plan (max_savings): %zu changes, proven optimal: %s\n", changes,
         proven ? "yes" : "no");
  if ((s = print_plan_total(plan, AHB_PLAN_MONTHLY_SAVINGS, "plan savings, per month")) ||
      (s = print_plan_total(plan, AHB_PLAN_TODAY_MONTHLY_SAVINGS, "today's covered, per month")) ||
      (s = print_plan_total(plan, AHB_PLAN_YEARLY_SAVINGS, "plan savings, per year")) ||
      (s = print_plan_total(plan, AHB_PLAN_GAP, "gap to the upper bound"))) {
    report_failure("ahb_plan_total", s);
    goto done;
  }
  rc = 0;

done:
  ahb_plan_free(plan);
  ahb_bytes_free(text);
  ahb_position_free(position);
  ahb_rule_set_free(rules);
  ahb_estate_free(estate);
  free(json);
  return rc;
}
