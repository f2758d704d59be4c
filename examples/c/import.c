/*
 * import.c: what a SAM tool does with libahb. From Azure exports (az vm list, Resource Graph,
 * PowerShell), a licence-inventory CSV, a cost export, Retail Prices pages and `az vm list-skus`
 * to an estate, its
 * audit (with the over- and under-claimed rows), the optimal plan, and the plan as an az
 * script with its rollback, ARM patches and CSV.
 *
 * From the repository root (scripts/test-ffi builds and runs it so, and under valgrind):
 *
 *   cargo build -p ahb-ffi && scripts/install-c "$PWD/target/ahb" target/debug
 *   gcc -std=c11 -Wall -Wextra -Wpedantic -Werror examples/c/import.c \
 *       $(PKG_CONFIG_PATH=target/ahb/lib/pkgconfig pkg-config --cflags --libs ahb) \
 *       -Wl,-rpath,"$PWD/target/ahb/lib" -o target/import
 *   target/import                  # the files of ahb-core/tests/data, as of 2026-11-25
 *   target/import [-d YYYY-MM-DD] [-o DIR] [-s skus.json]... [-i inventory.json]...
 *                 [-l licences.csv]... [-c costs.csv]... [-p retail-prices-page.json]...
 *
 * With -o DIR it also writes DIR/apply.sh, DIR/rollback.sh, DIR/patches.json, DIR/plan.csv,
 * DIR/position.csv and DIR/import-report.json.
 *
 * Every ahb_ call returns an ahb_status; on failure the calling thread's last error says what
 * and where (file, line, record, field). Every handle is freed exactly once, on every path.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ahb.h"

#define DATA "ahb-core/tests/data/"
#define MAX_FILES 32

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

typedef ahb_status (*add_fn)(ahb_importer *, const uint8_t *, size_t, const uint8_t *, size_t);

/* One input file and the importer function that reads it. */
struct input {
  const char *path;
  add_fn add;
  const char *what;
};

/* Reads `in->path` and hands it to the importer under its path as name. */
static int add_file(ahb_importer *imp, const struct input *in) {
  uint8_t *data = NULL;
  size_t len = 0;
  if (read_file(in->path, &data, &len) != 0) return 1;
  ahb_status s = in->add(imp, (const uint8_t *)in->path, strlen(in->path), data, len);
  free(data);
  if (s != AHB_STATUS_OK) {
    report_failure(in->what, s);
    return 1;
  }
  printf("  %-28s %s\n", in->what, in->path);
  return 0;
}

/* Writes a buffer to DIR/NAME when `dir` is set. */
static int save(const char *dir, const char *name, const ahb_bytes *b) {
  if (dir == NULL) return 0;
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/%s", dir, name);
  if (n < 0 || (size_t)n >= sizeof path) return 1;
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    perror(path);
    return 1;
  }
  size_t len = ahb_bytes_len(b);
  int bad = fwrite(ahb_bytes_data(b), 1, len, f) != len;
  bad |= fclose(f) != 0;
  if (bad) fprintf(stderr, "%s: could not write\n", path);
  return bad;
}

/* Counts the lines of a buffer that start with `prefix`. */
static size_t count_lines(const ahb_bytes *b, const char *prefix) {
  const char *p = (const char *)ahb_bytes_data(b);
  const char *end = p + ahb_bytes_len(b);
  size_t n = 0, k = strlen(prefix);
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *line_end = nl != NULL ? nl : end;
    if ((size_t)(line_end - p) >= k && memcmp(p, prefix, k) == 0) n++;
    p = line_end + 1;
  }
  return n;
}

/* Prints the over- and under-claimed rows of a position through the row accessors. */
static ahb_status print_rows(const ahb_position *position) {
  size_t over = 0, under = 0;
  ahb_status s;
  if ((s = ahb_position_over_claimed_count(position, &over)) != AHB_STATUS_OK ||
      (s = ahb_position_under_claimed_count(position, &under)) != AHB_STATUS_OK)
    return s;
  printf("over-claimed (%zu):\n", over);
  for (size_t i = 0; i < over; i++) {
    ahb_bytes *resource = NULL, *reason = NULL;
    uint32_t pool = 0;
    uint64_t units = 0, uncovered = 0;
    char money[AHB_DECIMAL_CAPACITY];
    size_t money_len = 0;
    if ((s = ahb_position_over_claimed_resource(position, i, &resource)) == AHB_STATUS_OK &&
        (s = ahb_position_over_claimed_reason(position, i, &reason)) == AHB_STATUS_OK &&
        (s = ahb_position_over_claimed_pool(position, i, &pool)) == AHB_STATUS_OK &&
        (s = ahb_position_over_claimed_units(position, i, &units)) == AHB_STATUS_OK &&
        (s = ahb_position_over_claimed_uncovered(position, i, &uncovered)) == AHB_STATUS_OK &&
        (s = ahb_position_over_claimed_monthly_savings(position, i, (uint8_t *)money,
                                                        sizeof money, &money_len)) ==
            AHB_STATUS_OK) {
      printf("  %s\n    %s: %" PRIu64 " units, %" PRIu64 " uncovered, %s per month at risk\n"
             "    %s\n",
             (const char *)ahb_bytes_data(resource), ahb_pool_name(pool), units, uncovered,
             money_len > 0 ? money : "unpriced", (const char *)ahb_bytes_data(reason));
    }
    ahb_bytes_free(resource);
    ahb_bytes_free(reason);
    if (s != AHB_STATUS_OK) return s;
  }
  size_t shown = under < 5 ? under : 5;
  printf("under-claimed (%zu, most savings first; %zu shown):\n", under, shown);
  for (size_t i = 0; i < shown; i++) {
    ahb_bytes *resource = NULL;
    uint32_t pool = 0;
    uint64_t units = 0;
    char money[AHB_DECIMAL_CAPACITY];
    size_t money_len = 0;
    if ((s = ahb_position_under_claimed_resource(position, i, &resource)) == AHB_STATUS_OK &&
        (s = ahb_position_under_claimed_pool(position, i, &pool)) == AHB_STATUS_OK &&
        (s = ahb_position_under_claimed_units(position, i, &units)) == AHB_STATUS_OK &&
        (s = ahb_position_under_claimed_monthly_savings(position, i, (uint8_t *)money,
                                                         sizeof money, &money_len)) ==
            AHB_STATUS_OK) {
      printf("  %s\n    %s: %" PRIu64 " units, %s per month\n",
             (const char *)ahb_bytes_data(resource), ahb_pool_name(pool), units,
             money_len > 0 ? money : "unpriced");
    }
    ahb_bytes_free(resource);
    if (s != AHB_STATUS_OK) return s;
  }
  return AHB_STATUS_OK;
}

int main(int argc, char **argv) {
  const char *as_of = "2026-11-25";
  const char *dir = NULL;
  struct input inputs[MAX_FILES];
  size_t n = 0;
  for (int i = 1; i < argc; i++) {
    add_fn add = NULL;
    const char *what = NULL;
    if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
      as_of = argv[++i];
      continue;
    } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
      dir = argv[++i];
      continue;
    } else if (strcmp(argv[i], "-s") == 0) {
      add = ahb_importer_add_catalogue, what = "catalogue (az vm list-skus)";
    } else if (strcmp(argv[i], "-i") == 0) {
      add = ahb_importer_add_inventory, what = "inventory";
    } else if (strcmp(argv[i], "-l") == 0) {
      add = ahb_importer_add_licences_csv, what = "licences";
    } else if (strcmp(argv[i], "-c") == 0) {
      add = ahb_importer_add_cost_csv, what = "cost export";
    } else if (strcmp(argv[i], "-p") == 0) {
      add = ahb_importer_add_retail_prices, what = "retail prices page";
    }
    if (add == NULL || i + 1 >= argc || n == MAX_FILES) {
      fprintf(stderr, "usage: %s [-d DATE] [-o DIR] [-s|-i|-l|-c|-p FILE]...\n", argv[0]);
      return 2;
    }
    inputs[n++] = (struct input){argv[++i], add, what};
  }
  if (n == 0) {
    /* The constructed Azure exports of the test data: the catalogue comes first. */
    const struct input defaults[] = {
        {DATA "constructed_vm_skus.json", ahb_importer_add_catalogue,
         "catalogue (az vm list-skus)"},
        {DATA "constructed_az_vm_list.json", ahb_importer_add_inventory, "inventory"},
        {DATA "constructed_arg_mixed.json", ahb_importer_add_inventory, "inventory"},
        {DATA "constructed_powershell_get_azvm.json", ahb_importer_add_inventory, "inventory"},
        {DATA "constructed_licences.csv", ahb_importer_add_licences_csv, "licences"},
        {DATA "constructed_cost_effective.csv", ahb_importer_add_cost_csv, "cost export"},
        {DATA "retail_prices_page1.json", ahb_importer_add_retail_prices, "retail prices page"},
        {DATA "retail_prices_page2.json", ahb_importer_add_retail_prices, "retail prices page"},
    };
    n = sizeof defaults / sizeof defaults[0];
    memcpy(inputs, defaults, sizeof defaults);
  }

  int rc = 1;
  ahb_importer *imp = NULL;
  ahb_estate *estate = NULL;
  ahb_rule_set *rules = NULL;
  ahb_position *position = NULL;
  ahb_plan *plan = NULL;
  ahb_bytes *report = NULL, *apply = NULL, *rollback = NULL, *patches = NULL, *plan_csv = NULL,
            *position_csv = NULL;
  ahb_status s;

  const char *options = "{\"strict\": false}";
  if ((s = ahb_importer_new((const uint8_t *)options, strlen(options), &imp)) != AHB_STATUS_OK) {
    report_failure("ahb_importer_new", s);
    goto done;
  }
  printf("libahb %s: importing\n", ahb_version());
  for (size_t i = 0; i < n; i++) {
    if (add_file(imp, &inputs[i]) != 0) goto done;
  }
  if ((s = ahb_importer_finish(imp, &estate)) != AHB_STATUS_OK) {
    report_failure("ahb_importer_finish", s);
    goto done;
  }
  /* What was left out, and why: JSON for the SAM tool's own log. */
  if ((s = ahb_importer_report_json(imp, &report)) != AHB_STATUS_OK) {
    report_failure("ahb_importer_report_json", s);
    goto done;
  }
  printf("import report: %zu bytes of JSON (skipped records, unknown sizes, unpriced "
         "resources, with the reasons)\n",
         ahb_bytes_len(report));

  if ((s = ahb_rule_set_new_current(&rules)) != AHB_STATUS_OK) {
    report_failure("ahb_rule_set_new_current", s);
    goto done;
  }
  if ((s = ahb_audit(estate, rules, (const uint8_t *)as_of, strlen(as_of), &position)) !=
      AHB_STATUS_OK) {
    report_failure("ahb_audit", s);
    goto done;
  }
  uint8_t compliant = 0;
  if ((s = ahb_position_compliant(position, &compliant)) != AHB_STATUS_OK) {
    report_failure("ahb_position_compliant", s);
    goto done;
  }
  printf("\naudit as of %s: compliant: %s\n", as_of, compliant ? "yes" : "no");
  if ((s = print_rows(position)) != AHB_STATUS_OK) {
    report_failure("row accessor", s);
    goto done;
  }

  char opts[128];
  int opts_len = snprintf(opts, sizeof opts, "{\"as_of\": \"%s\"}", as_of);
  if (opts_len < 0 || (size_t)opts_len >= sizeof opts) goto done;
  if ((s = ahb_optimize(estate, rules, (const uint8_t *)opts, (size_t)opts_len, &plan)) !=
      AHB_STATUS_OK) {
    report_failure("ahb_optimize", s);
    goto done;
  }
  size_t changes = 0;
  char monthly[AHB_DECIMAL_CAPACITY];
  size_t monthly_len = 0;
  if ((s = ahb_plan_change_count(plan, &changes)) != AHB_STATUS_OK ||
      (s = ahb_plan_total(plan, AHB_PLAN_MONTHLY_SAVINGS, (uint8_t *)monthly, sizeof monthly,
                          &monthly_len)) != AHB_STATUS_OK) {
    report_failure("plan accessor", s);
    goto done;
  }
  printf("\noptimal plan: %zu changes, %s per month\n", changes, monthly);
  /* Unpriced is loud: resources without prices count as zero unless valued by units. */
  size_t unpriced = 0;
  uint32_t scope = AHB_SCOPE_ALL_RESOURCES;
  if ((s = ahb_position_unpriced_resources(position, &unpriced)) != AHB_STATUS_OK ||
      (s = ahb_plan_certificate_scope(plan, &scope)) != AHB_STATUS_OK) {
    report_failure("unpriced accessor", s);
    goto done;
  }
  if (unpriced > 0) {
    printf("CAVEAT: %zu eligible resources have no price; the optimum is %s\n", unpriced,
           scope == AHB_SCOPE_PRICED_THEN_UNPRICED_BY_UNITS
               ? "over the priced savings, then their licence units (unpriced = by_units)"
               : "over the priced resources only (try \"unpriced\": \"by_units\")");
  }

  if ((s = ahb_plan_az_script(estate, plan, &apply, &rollback)) != AHB_STATUS_OK ||
      (s = ahb_plan_arm_patches_json(estate, plan, &patches)) != AHB_STATUS_OK ||
      (s = ahb_plan_csv(plan, &plan_csv)) != AHB_STATUS_OK ||
      (s = ahb_position_csv(position, &position_csv)) != AHB_STATUS_OK) {
    report_failure("exporter", s);
    goto done;
  }
  printf("\n--- apply.sh ---\n");
  fwrite(ahb_bytes_data(apply), 1, ahb_bytes_len(apply), stdout);
  printf("--- rollback.sh: %zu az commands; patches.json: %zu requests; plan.csv: %zu rows; "
         "position.csv: %zu bytes\n",
         count_lines(rollback, "az "), count_lines(patches, "      \"method\""),
         count_lines(plan_csv, "/") , ahb_bytes_len(position_csv));
  if (count_lines(apply, "az ") != changes || count_lines(rollback, "az ") != changes) {
    fprintf(stderr, "the scripts do not have one az command per change\n");
    goto done;
  }
  if (save(dir, "apply.sh", apply) || save(dir, "rollback.sh", rollback) ||
      save(dir, "patches.json", patches) || save(dir, "plan.csv", plan_csv) ||
      save(dir, "position.csv", position_csv) || save(dir, "import-report.json", report))
    goto done;
  rc = 0;

done:
  ahb_bytes_free(position_csv);
  ahb_bytes_free(plan_csv);
  ahb_bytes_free(patches);
  ahb_bytes_free(rollback);
  ahb_bytes_free(apply);
  ahb_bytes_free(report);
  ahb_plan_free(plan);
  ahb_position_free(position);
  ahb_rule_set_free(rules);
  ahb_estate_free(estate);
  ahb_importer_free(imp);
  return rc;
}
