/*
 * misuse.c: every way a C caller can misuse libahb gives a status code, never a crash.
 *
 * NULL for every pointer argument, invalid UTF-8, truncated JSON, lengths above PTRDIFF_MAX,
 * too-small buffers, out-of-range indexes and selectors, freeing NULL, importers used after a
 * failure or after they finished, exporters given the wrong estate. It also checks that
 * out-parameters are left untouched on failure and that the last error says what went wrong.
 * (Double free is not tested: it is forbidden by the header, and undefined behaviour.)
 *
 * From the repository root (scripts/test-ffi runs it so, and under valgrind):
 *
 *   cargo build -p ahb-ffi && scripts/install-c "$PWD/target/ahb" target/debug
 *   gcc -std=c11 -Wall -Wextra -Wpedantic -Werror examples/c/misuse.c \
 *       $(PKG_CONFIG_PATH=target/ahb/lib/pkgconfig pkg-config --cflags --libs ahb) \
 *       -Wl,-rpath,"$PWD/target/ahb/lib" -o target/misuse
 *   target/misuse [examples/data/sample-estate.json]
 *
 * The last line is "misuse: N passed, M failed"; the exit status is 0 only when M is 0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ahb.h"

static int passed, failed;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (cond) {                                                      \
      passed++;                                                      \
    } else {                                                         \
      failed++;                                                      \
      fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                \
  } while (0)

/* Expects `call` to return `want`. */
#define EXPECT(want, call)                                                                  \
  do {                                                                                      \
    ahb_status got_ = (call);                                                               \
    if (got_ == (want)) {                                                                   \
      passed++;                                                                             \
    } else {                                                                                \
      failed++;                                                                             \
      fprintf(stderr, "FAILED %s:%d: %s\n  want %s (%u), got %" PRIu32 " (%s): %s\n",       \
              __FILE__, __LINE__, #call, #want, (unsigned)(want), got_,                     \
              ahb_status_message(got_), last_error());                                      \
    }                                                                                       \
  } while (0)

#define U8(s) ((const uint8_t *)(s))

static const size_t HUGE_LEN = (size_t)PTRDIFF_MAX + 1;

/* The calling thread's last error, in a static buffer. */
static const char *last_error(void) {
  static char buf[4096];
  size_t len = 0;
  if (ahb_last_error_message((uint8_t *)buf, sizeof buf, &len) != AHB_STATUS_OK) return "?";
  return buf;
}

static int last_error_contains(const char *needle) {
  return strstr(last_error(), needle) != NULL;
}

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 20;
  uint8_t *buf = malloc(cap);
  size_t n = buf ? fread(buf, 1, cap, f) : 0;
  fclose(f);
  if (buf == NULL || n == 0 || n == cap) {
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

static void statuses_and_versions(void) {
  CHECK(strcmp(ahb_status_message(AHB_STATUS_OK), "success") == 0);
  const ahb_status all[] = {
      AHB_STATUS_PARSE,           AHB_STATUS_INVALID_VALUE,       AHB_STATUS_MISSING_FIELD,
      AHB_STATUS_UNKNOWN_VARIANT, AHB_STATUS_DUPLICATE_ID,        AHB_STATUS_UNKNOWN_REFERENCE,
      AHB_STATUS_UNSUPPORTED_SCHEMA, AHB_STATUS_IO,               AHB_STATUS_INVALID_OPTION,
      AHB_STATUS_NULL_ARGUMENT,   AHB_STATUS_INVALID_UTF8,        AHB_STATUS_LENGTH_TOO_LARGE,
      AHB_STATUS_BUFFER_TOO_SMALL, AHB_STATUS_INVALID_ARGUMENT,   AHB_STATUS_INDEX_OUT_OF_RANGE,
      AHB_STATUS_PANIC};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    const char *m = ahb_status_message(all[i]);
    CHECK(m != NULL && strlen(m) > 0 && strcmp(m, "unknown status") != 0);
  }
  CHECK(strcmp(ahb_status_message(77777), "unknown status") == 0);
  CHECK(strcmp(ahb_status_message(UINT32_MAX), "unknown status") == 0);

  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", AHB_VERSION_MAJOR, AHB_VERSION_MINOR,
           AHB_VERSION_PATCH);
  CHECK(ahb_version() != NULL && strcmp(ahb_version(), want) == 0);
  CHECK(strcmp(ahb_pool_name(AHB_POOL_WINDOWS_SERVER), "windows_server") == 0);
  CHECK(strcmp(ahb_pool_name(AHB_POOL_SLES), "sles") == 0);
  CHECK(strcmp(ahb_pool_name(99), "unknown") == 0);
}

static void frees_and_bytes_accept_null(void) {
  ahb_estate_free(NULL);
  ahb_rule_set_free(NULL);
  ahb_position_free(NULL);
  ahb_plan_free(NULL);
  ahb_bytes_free(NULL);
  CHECK(ahb_bytes_data(NULL) == NULL);
  CHECK(ahb_bytes_len(NULL) == 0);
  CHECK(ahb_rule_set_version(NULL) == NULL);
}

static void estates(const uint8_t *json, size_t len) {
  ahb_estate *e = NULL;
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_estate_from_json(NULL, len, &e));
  CHECK(last_error_contains("`json` is NULL"));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_estate_from_json(NULL, 0, &e));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_estate_from_json(json, len, NULL));
  CHECK(last_error_contains("`out` is NULL"));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE, ahb_estate_from_json(json, HUGE_LEN, &e));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE, ahb_estate_from_json(json, SIZE_MAX, &e));
  CHECK(e == NULL);

  /* Truncated JSON: every cut gives PARSE with a line and column, never a crash. */
  const size_t cuts[] = {0, 1, 2, 100, len / 3, len / 2, len - 2};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    EXPECT(AHB_STATUS_PARSE, ahb_estate_from_json(json, cuts[i], &e));
    CHECK(e == NULL);
  }
  CHECK(last_error_contains("line "));

  /* Invalid UTF-8 inside a string value and at the very start. */
  const char bad_utf8[] = "{\"schema\": \"ahb.estate/1\", \"resources\": [{\"id\": \"\xff\xfe\"}]}";
  EXPECT(AHB_STATUS_INVALID_UTF8, ahb_estate_from_json(U8(bad_utf8), strlen(bad_utf8), &e));
  char where[32];
  snprintf(where, sizeof where, "offset %td ", strchr(bad_utf8, '\xff') - bad_utf8);
  CHECK(last_error_contains(where));
  EXPECT(AHB_STATUS_INVALID_UTF8, ahb_estate_from_json(U8("\xc3"), 1, &e));
  CHECK(e == NULL);

  /* Well-formed JSON with wrong contents: the ahb-core codes, passed through. */
  const char *unknown_schema = "{\"schema\": \"ahb.estate/9\", \"licences\": [], \"resources\": []}";
  EXPECT(AHB_STATUS_UNSUPPORTED_SCHEMA,
         ahb_estate_from_json(U8(unknown_schema), strlen(unknown_schema), &e));
  const char *unknown_kind =
      "{\"schema\": \"ahb.estate/1\", \"resources\": [{\"id\": \"r\", \"kind\": \"toaster\"}]}";
  EXPECT(AHB_STATUS_UNKNOWN_VARIANT,
         ahb_estate_from_json(U8(unknown_kind), strlen(unknown_kind), &e));
  CHECK(last_error_contains("resources[0]"));
  const char *dup =
      "{\"schema\": \"ahb.estate/1\", \"resources\": ["
      "{\"id\": \"a\", \"kind\": \"vm\", \"os\": \"windows\", \"vcpus\": 4},"
      "{\"id\": \"a\", \"kind\": \"vm\", \"os\": \"windows\", \"vcpus\": 4}]}";
  EXPECT(AHB_STATUS_DUPLICATE_ID, ahb_estate_from_json(U8(dup), strlen(dup), &e));
  const char *not_object = "[1, 2, 3]";
  ahb_status s = ahb_estate_from_json(U8(not_object), strlen(not_object), &e);
  CHECK(s != AHB_STATUS_OK && s < 1000); /* an ahb-core code */
  CHECK(e == NULL);

  /* A NUL byte inside the length is just an invalid character, not the end of the text. */
  EXPECT(AHB_STATUS_PARSE, ahb_estate_from_json(U8("{\0}"), 3, &e));
  CHECK(e == NULL);
}

static void last_error_buffers(void) {
  ahb_estate *e = NULL;
  EXPECT(AHB_STATUS_PARSE, ahb_estate_from_json(U8("{"), 1, &e));
  size_t need = ahb_last_error_length();
  CHECK(need > 0);
  char small[4] = {'x', 'x', 'x', 'x'};
  size_t n = 12345;
  /* Too small: nothing written, and the last error is still the PARSE message. */
  CHECK(ahb_last_error_message((uint8_t *)small, sizeof small, &n) == AHB_STATUS_BUFFER_TOO_SMALL);
  CHECK(n == 12345 && small[0] == 'x');
  CHECK(ahb_last_error_length() == need);
  CHECK(ahb_last_error_message(NULL, 100, &n) == AHB_STATUS_NULL_ARGUMENT);
  CHECK(ahb_last_error_message((uint8_t *)small, sizeof small, NULL) == AHB_STATUS_NULL_ARGUMENT);
  CHECK(ahb_last_error_message((uint8_t *)small, HUGE_LEN, &n) == AHB_STATUS_LENGTH_TOO_LARGE);
  CHECK(ahb_last_error_length() == need);
  char *exact = malloc(need + 1);
  CHECK(exact != NULL &&
        ahb_last_error_message((uint8_t *)exact, need + 1, &n) == AHB_STATUS_OK && n == need &&
        exact[need] == '\0' && strlen(exact) == need);
  free(exact);
}

static void rule_sets(void) {
  ahb_rule_set *r = NULL;
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_rule_set_new_current(NULL));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_rule_set_by_version(NULL, 7, &r));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_rule_set_by_version(U8("2023-04"), 7, NULL));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE, ahb_rule_set_by_version(U8("2023-04"), HUGE_LEN, &r));
  EXPECT(AHB_STATUS_INVALID_UTF8, ahb_rule_set_by_version(U8("2023-0\x80"), 7, &r));
  EXPECT(AHB_STATUS_INVALID_OPTION, ahb_rule_set_by_version(U8("2099-01"), 7, &r));
  CHECK(last_error_contains("2099-01"));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_rule_set_from_json(NULL, 2, &r));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_rule_set_from_json(U8("{}"), 2, NULL));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE, ahb_rule_set_from_json(U8("{}"), SIZE_MAX, &r));
  EXPECT(AHB_STATUS_INVALID_UTF8, ahb_rule_set_from_json(U8("\"\xed\xa0\x80\""), 5, &r));
  const char *truncated = "{\"version\": \"2023-04\", \"knobs\": {";
  EXPECT(AHB_STATUS_PARSE, ahb_rule_set_from_json(U8(truncated), strlen(truncated), &r));
  const char *bad_knob = "{\"version\": \"2023-04\", \"knobs\": {\"no_such_knob\": 1}}";
  EXPECT(AHB_STATUS_INVALID_OPTION, ahb_rule_set_from_json(U8(bad_knob), strlen(bad_knob), &r));
  CHECK(last_error_contains("no_such_knob"));
  CHECK(r == NULL);

  EXPECT(AHB_STATUS_OK, ahb_rule_set_by_version(U8("2021-11"), 7, &r));
  CHECK(r != NULL && strcmp(ahb_rule_set_version(r), "2021-11") == 0);
  ahb_bytes *b = NULL;
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_rule_set_json(NULL, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_rule_set_json(r, NULL));
  EXPECT(AHB_STATUS_OK, ahb_rule_set_json(r, &b));
  ahb_rule_set *again = NULL;
  /* The JSON reads back into the same rule set. */
  EXPECT(AHB_STATUS_OK, ahb_rule_set_from_json(ahb_bytes_data(b), ahb_bytes_len(b), &again));
  CHECK(again != NULL && strcmp(ahb_rule_set_version(again), "2021-11") == 0);
  ahb_bytes_free(b);
  ahb_rule_set_free(again);
  ahb_rule_set_free(r);
}

static void audits_and_positions(const uint8_t *json, size_t len) {
  ahb_estate *e = NULL;
  ahb_rule_set *r = NULL;
  ahb_position *p = NULL;
  if (ahb_estate_from_json(json, len, &e) != AHB_STATUS_OK ||
      ahb_rule_set_new_current(&r) != AHB_STATUS_OK) {
    CHECK(!"the sample estate loads");
    goto done;
  }
  const char *date = "2026-11-25";
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_audit(NULL, r, U8(date), 10, &p));
  CHECK(last_error_contains("`estate`"));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_audit(e, NULL, U8(date), 10, &p));
  CHECK(last_error_contains("`rule_set`"));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_audit(e, r, NULL, 10, &p));
  CHECK(last_error_contains("`as_of`"));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_audit(e, r, U8(date), 10, NULL));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE, ahb_audit(e, r, U8(date), HUGE_LEN, &p));
  EXPECT(AHB_STATUS_INVALID_UTF8, ahb_audit(e, r, U8("2026-11-2\xff"), 10, &p));
  EXPECT(AHB_STATUS_INVALID_ARGUMENT, ahb_audit(e, r, U8("2026-13-01"), 10, &p));
  EXPECT(AHB_STATUS_INVALID_ARGUMENT, ahb_audit(e, r, U8("2026-02-30"), 10, &p));
  EXPECT(AHB_STATUS_INVALID_ARGUMENT, ahb_audit(e, r, U8("tomorrow"), 8, &p));
  EXPECT(AHB_STATUS_INVALID_ARGUMENT, ahb_audit(e, r, U8(date), 9, &p)); /* "2026-11-2" */
  EXPECT(AHB_STATUS_INVALID_ARGUMENT, ahb_audit(e, r, U8(""), 0, &p));
  CHECK(p == NULL);
  EXPECT(AHB_STATUS_OK, ahb_audit(e, r, U8(date), 10, &p));
  CHECK(p != NULL);
  if (p == NULL) goto done;

  /* The inputs may be freed first: the position owns what it needs. */
  ahb_estate_free(e);
  e = NULL;
  ahb_rule_set_free(r);
  r = NULL;

  const uint64_t sentinel = 0xA5A5A5A5A5A5A5A5u;
  uint8_t flag = 7;
  size_t count = 99;
  uint32_t kind = 99;
  uint64_t units = sentinel;
  const char *version = NULL;
  ahb_bytes *b = NULL;

  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_compliant(NULL, &flag));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_compliant(p, NULL));
  CHECK(flag == 7);
  EXPECT(AHB_STATUS_OK, ahb_position_compliant(p, &flag));
  CHECK(flag == 0 || flag == 1);
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_rule_set_version(NULL, &version));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_rule_set_version(p, NULL));
  CHECK(version == NULL);
  EXPECT(AHB_STATUS_OK, ahb_position_rule_set_version(p, &version));
  CHECK(version != NULL && strcmp(version, "2023-04") == 0);
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_over_claimed_count(NULL, &count));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_over_claimed_count(p, NULL));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_under_claimed_count(NULL, &count));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_under_claimed_count(p, NULL));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_unpriced_resources(NULL, &count));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_unpriced_resources(p, NULL));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_pool_count(NULL, &count));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_pool_count(p, NULL));
  CHECK(count == 99);
  EXPECT(AHB_STATUS_OK, ahb_position_pool_count(p, &count));
  CHECK(count == 4);

  /* Every per-pool getter: NULL position, NULL out, index past the end, SIZE_MAX. */
  typedef ahb_status (*u64_getter)(const ahb_position *, size_t, uint64_t *);
  const u64_getter getters[] = {ahb_position_pool_claimed, ahb_position_pool_covered,
                                ahb_position_pool_shortfall, ahb_position_pool_idle,
                                ahb_position_pool_unpriced_units};
  for (size_t g = 0; g < sizeof getters / sizeof getters[0]; g++) {
    EXPECT(AHB_STATUS_NULL_ARGUMENT, getters[g](NULL, 0, &units));
    EXPECT(AHB_STATUS_NULL_ARGUMENT, getters[g](p, 0, NULL));
    EXPECT(AHB_STATUS_INDEX_OUT_OF_RANGE, getters[g](p, count, &units));
    EXPECT(AHB_STATUS_INDEX_OUT_OF_RANGE, getters[g](p, SIZE_MAX, &units));
    CHECK(units == sentinel);
  }
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_pool_kind(NULL, 0, &kind));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_pool_kind(p, 0, NULL));
  EXPECT(AHB_STATUS_INDEX_OUT_OF_RANGE, ahb_position_pool_kind(p, count, &kind));
  CHECK(kind == 99);
  for (size_t i = 0; i < count; i++) {
    uint64_t claimed = 0, covered = 0, shortfall = 0;
    EXPECT(AHB_STATUS_OK, ahb_position_pool_kind(p, i, &kind));
    CHECK(kind == i); /* the sample estate has all four pools, in AHB_POOL_* order */
    EXPECT(AHB_STATUS_OK, ahb_position_pool_claimed(p, i, &claimed));
    EXPECT(AHB_STATUS_OK, ahb_position_pool_covered(p, i, &covered));
    EXPECT(AHB_STATUS_OK, ahb_position_pool_shortfall(p, i, &shortfall));
    CHECK(covered + shortfall == claimed);
  }

  /* Totals: NULLs, unknown selector, small and huge buffers. */
  char amount[AHB_DECIMAL_CAPACITY];
  char tiny[2] = {'x', 'x'};
  size_t n = 555;
  EXPECT(AHB_STATUS_NULL_ARGUMENT,
         ahb_position_total(NULL, AHB_TOTAL_CLAIMED_MONTHLY_SAVINGS, (uint8_t *)amount, sizeof amount, &n));
  EXPECT(AHB_STATUS_NULL_ARGUMENT,
         ahb_position_total(p, AHB_TOTAL_CLAIMED_MONTHLY_SAVINGS, NULL, sizeof amount, &n));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_total(p, AHB_TOTAL_CLAIMED_MONTHLY_SAVINGS,
                                                      (uint8_t *)amount, sizeof amount, NULL));
  EXPECT(AHB_STATUS_INVALID_ARGUMENT,
         ahb_position_total(p, 4, (uint8_t *)amount, sizeof amount, &n));
  EXPECT(AHB_STATUS_INVALID_ARGUMENT,
         ahb_position_total(p, UINT32_MAX, (uint8_t *)amount, sizeof amount, &n));
  EXPECT(AHB_STATUS_BUFFER_TOO_SMALL, ahb_position_total(p, AHB_TOTAL_CLAIMED_MONTHLY_SAVINGS,
                                                         (uint8_t *)tiny, sizeof tiny, &n));
  CHECK(tiny[0] == 'x' && tiny[1] == 'x' && n == 555);
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE, ahb_position_total(p, AHB_TOTAL_CLAIMED_MONTHLY_SAVINGS,
                                                         (uint8_t *)amount, HUGE_LEN, &n));
  CHECK(n == 555);
  for (uint32_t which = AHB_TOTAL_CLAIMED_MONTHLY_SAVINGS;
       which <= AHB_TOTAL_UNCLAIMED_YEARLY_SAVINGS; which++) {
    EXPECT(AHB_STATUS_OK, ahb_position_total(p, which, (uint8_t *)amount, sizeof amount, &n));
    CHECK(n > 0 && n == strlen(amount) && strspn(amount, "-0123456789.") == n);
  }

  /* JSON and text: NULLs, then the real thing. */
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_json(NULL, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_json(p, NULL));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_text(NULL, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_text(p, NULL));
  CHECK(b == NULL);
  EXPECT(AHB_STATUS_OK, ahb_position_json(p, &b));
  CHECK(b != NULL && ahb_bytes_len(b) > 1000 &&
        strstr((const char *)ahb_bytes_data(b), "\"schema\": \"ahb.position/1\"") != NULL &&
        ahb_bytes_data(b)[ahb_bytes_len(b)] == '\0');
  ahb_bytes_free(b);
  b = NULL;
  EXPECT(AHB_STATUS_OK, ahb_position_text(p, &b));
  CHECK(b != NULL && strstr((const char *)ahb_bytes_data(b), "Windows Server") != NULL);
  ahb_bytes_free(b);

done:
  ahb_position_free(p);
  ahb_rule_set_free(r);
  ahb_estate_free(e);
}

static void plans(const uint8_t *json, size_t len) {
  ahb_estate *e = NULL;
  ahb_rule_set *r = NULL;
  ahb_plan *p = NULL;
  if (ahb_estate_from_json(json, len, &e) != AHB_STATUS_OK ||
      ahb_rule_set_new_current(&r) != AHB_STATUS_OK) {
    CHECK(!"the sample estate loads");
    goto done;
  }
  const char *opts = "{\"as_of\": \"2026-11-25\"}";
  const size_t n_opts = strlen(opts);
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_optimize(NULL, r, U8(opts), n_opts, &p));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_optimize(e, NULL, U8(opts), n_opts, &p));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_optimize(e, r, NULL, n_opts, &p));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_optimize(e, r, U8(opts), n_opts, NULL));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE, ahb_optimize(e, r, U8(opts), HUGE_LEN, &p));
  EXPECT(AHB_STATUS_INVALID_UTF8, ahb_optimize(e, r, U8("{\"as_of\": \"\xc0\xaf\"}"), 15, &p));
  EXPECT(AHB_STATUS_PARSE, ahb_optimize(e, r, U8(opts), n_opts - 3, &p)); /* truncated */
  const char *unknown = "{\"as_of\": \"2026-11-25\", \"speed\": \"ludicrous\"}";
  EXPECT(AHB_STATUS_INVALID_OPTION, ahb_optimize(e, r, U8(unknown), strlen(unknown), &p));
  CHECK(last_error_contains("speed"));
  const char *no_date = "{\"objective\": \"max_savings\"}";
  EXPECT(AHB_STATUS_INVALID_OPTION, ahb_optimize(e, r, U8(no_date), strlen(no_date), &p));
  const char *bad_pin = "{\"as_of\": \"2026-11-25\", \"pin\": [\"no-such-vm\"]}";
  EXPECT(AHB_STATUS_INVALID_OPTION, ahb_optimize(e, r, U8(bad_pin), strlen(bad_pin), &p));
  CHECK(last_error_contains("pin[0]"));
  CHECK(p == NULL);
  /* The position and the plan at once: both out-pointers are required, and on an error
     neither is written. */
  ahb_position *pos = NULL;
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_audit_and_optimize(NULL, r, U8(opts), n_opts, &pos, &p));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_audit_and_optimize(e, r, U8(opts), n_opts, NULL, &p));
  CHECK(last_error_contains("out_position"));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_audit_and_optimize(e, r, U8(opts), n_opts, &pos, NULL));
  CHECK(last_error_contains("out_plan"));
  EXPECT(AHB_STATUS_INVALID_OPTION,
         ahb_audit_and_optimize(e, r, U8(bad_pin), strlen(bad_pin), &pos, &p));
  CHECK(pos == NULL && p == NULL);
  EXPECT(AHB_STATUS_OK, ahb_audit_and_optimize(e, r, U8(opts), n_opts, &pos, &p));
  CHECK(pos != NULL && p != NULL);
  ahb_position_free(pos);
  ahb_plan_free(p);
  p = NULL;
  EXPECT(AHB_STATUS_OK, ahb_optimize(e, r, U8(opts), n_opts, &p));
  CHECK(p != NULL);
  if (p == NULL) goto done;

  uint8_t flag = 7;
  size_t count = 99;
  char amount[AHB_DECIMAL_CAPACITY];
  char tiny[1] = {'x'};
  size_t n = 555;
  ahb_bytes *b = NULL;
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_proven_optimal(NULL, &flag));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_proven_optimal(p, NULL));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_change_count(NULL, &count));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_change_count(p, NULL));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_unpriced_resources(NULL, &count));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_unpriced_resources(p, NULL));
  uint32_t scope = 99;
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_certificate_scope(NULL, &scope));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_certificate_scope(p, NULL));
  CHECK(flag == 7 && count == 99 && scope == 99);
  EXPECT(AHB_STATUS_OK, ahb_plan_certificate_scope(p, &scope));
  CHECK(scope <= AHB_SCOPE_PRICED_THEN_UNPRICED_BY_UNITS);
  EXPECT(AHB_STATUS_OK, ahb_plan_proven_optimal(p, &flag));
  CHECK(flag == 0 || flag == 1);
  EXPECT(AHB_STATUS_OK, ahb_plan_change_count(p, &count));
  EXPECT(AHB_STATUS_NULL_ARGUMENT,
         ahb_plan_total(NULL, AHB_PLAN_MONTHLY_SAVINGS, (uint8_t *)amount, sizeof amount, &n));
  EXPECT(AHB_STATUS_NULL_ARGUMENT,
         ahb_plan_total(p, AHB_PLAN_MONTHLY_SAVINGS, NULL, sizeof amount, &n));
  EXPECT(AHB_STATUS_NULL_ARGUMENT,
         ahb_plan_total(p, AHB_PLAN_MONTHLY_SAVINGS, (uint8_t *)amount, sizeof amount, NULL));
  EXPECT(AHB_STATUS_INVALID_ARGUMENT,
         ahb_plan_total(p, AHB_PLAN_GAP + 1, (uint8_t *)amount, sizeof amount, &n));
  EXPECT(AHB_STATUS_BUFFER_TOO_SMALL,
         ahb_plan_total(p, AHB_PLAN_MONTHLY_SAVINGS, (uint8_t *)tiny, sizeof tiny, &n));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE,
         ahb_plan_total(p, AHB_PLAN_MONTHLY_SAVINGS, (uint8_t *)amount, SIZE_MAX, &n));
  CHECK(tiny[0] == 'x' && n == 555);
  for (uint32_t which = AHB_PLAN_HOURLY_SAVINGS; which <= AHB_PLAN_GAP; which++) {
    EXPECT(AHB_STATUS_OK, ahb_plan_total(p, which, (uint8_t *)amount, sizeof amount, &n));
    CHECK(n > 0 && n == strlen(amount) && strspn(amount, "-0123456789.") == n);
  }
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_json(NULL, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_json(p, NULL));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_text(NULL, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_text(p, NULL));
  CHECK(b == NULL);
  EXPECT(AHB_STATUS_OK, ahb_plan_json(p, &b));
  CHECK(b != NULL && strstr((const char *)ahb_bytes_data(b), "\"schema\": \"ahb.plan/1\"") != NULL);
  ahb_bytes_free(b);
  b = NULL;
  EXPECT(AHB_STATUS_OK, ahb_plan_text(p, &b));
  CHECK(b != NULL && ahb_bytes_len(b) > 0);
  ahb_bytes_free(b);

done:
  ahb_plan_free(p);
  ahb_rule_set_free(r);
  ahb_estate_free(e);
}

/* Timeline and central SQL: NULLs, huge lengths, bad options and usage, then a real call. */
static void time_and_central(const uint8_t *json, size_t len) {
  ahb_estate *e = NULL;
  ahb_rule_set *r = NULL;
  ahb_bytes *b = NULL;
  if (ahb_estate_from_json(json, len, &e) != AHB_STATUS_OK ||
      ahb_rule_set_new_current(&r) != AHB_STATUS_OK) {
    CHECK(!"the sample estate loads");
    goto done;
  }
  const char *range = "{\"from\": \"2026-11-25\", \"to\": \"2027-03-31\"}";
  const size_t n_range = strlen(range);
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_timeline(NULL, r, U8(range), n_range, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_timeline(e, NULL, U8(range), n_range, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_timeline(e, r, NULL, n_range, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_timeline(e, r, U8(range), n_range, NULL));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE, ahb_timeline(e, r, U8(range), HUGE_LEN, &b));
  const char *backwards = "{\"from\": \"2027-01-01\", \"to\": \"2026-01-01\"}";
  EXPECT(AHB_STATUS_INVALID_OPTION, ahb_timeline(e, r, U8(backwards), strlen(backwards), &b));
  CHECK(b == NULL);
  EXPECT(AHB_STATUS_OK, ahb_timeline(e, r, U8(range), n_range, &b));
  CHECK(b != NULL && ahb_bytes_len(b) > 0);
  ahb_bytes_free(b);
  b = NULL;

  const char *usage = "resource,hour,vcores,licence_price_per_vcore_hour\n"
                      "sqldb-003,2026-10-01T00:00:00,16,0.0963\n";
  const size_t n_usage = strlen(usage);
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_simulate_central(NULL, r, U8(usage), n_usage, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_simulate_central(e, r, NULL, n_usage, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_simulate_central(e, r, U8(usage), n_usage, NULL));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE, ahb_simulate_central(e, r, U8(usage), HUGE_LEN, &b));
  EXPECT(AHB_STATUS_INVALID_UTF8, ahb_simulate_central(e, r, U8("resource,hour,vcores\n\xc0\xaf"), 23, &b));
  const char *ghost = "resource,hour,vcores\nghost,2026-10-01T00:00:00,4\n";
  EXPECT(AHB_STATUS_UNKNOWN_REFERENCE, ahb_simulate_central(e, r, U8(ghost), strlen(ghost), &b));
  const char *negative = "resource,hour,vcores\nsqldb-003,2026-10-01T00:00:00,-4\n";
  EXPECT(AHB_STATUS_PARSE, ahb_simulate_central(e, r, U8(negative), strlen(negative), &b));
  CHECK(last_error_contains("vcores"));
  CHECK(b == NULL);
  /* Bytes that start with the Parquet magic are read as Parquet, and a damaged file is a
     parse error that says so (not a CSV error). */
  const char *cut = "PAR1\x15\x04\x15";
  EXPECT(AHB_STATUS_PARSE, ahb_simulate_central(e, r, U8(cut), strlen(cut), &b));
  CHECK(last_error_contains("Parquet"));
  CHECK(b == NULL);
  EXPECT(AHB_STATUS_OK, ahb_simulate_central(e, r, U8(usage), n_usage, &b));
  CHECK(b != NULL && ahb_bytes_len(b) > 0);
  ahb_bytes_free(b);
  b = NULL;

  const char *best = "{\"scope\": \"sub-prod-data\", \"prices\": "
                     "{\"sql_enterprise_per_core_year\": \"1890\", "
                     "\"sql_standard_per_core_year\": \"493\"}}";
  EXPECT(AHB_STATUS_NULL_ARGUMENT,
         ahb_best_assignment(e, r, U8(usage), n_usage, NULL, strlen(best), &b));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE,
         ahb_best_assignment(e, r, U8(usage), n_usage, U8(best), HUGE_LEN, &b));
  const char *nowhere =
      "{\"scope\": \"nowhere\", \"prices\": {\"sql_standard_per_core_year\": \"493\"}}";
  EXPECT(AHB_STATUS_INVALID_OPTION,
         ahb_best_assignment(e, r, U8(usage), n_usage, U8(nowhere), strlen(nowhere), &b));
  EXPECT(AHB_STATUS_OK, ahb_best_assignment(e, r, U8(usage), n_usage, U8(best), strlen(best), &b));
  CHECK(b != NULL && ahb_bytes_len(b) > 0);
  ahb_bytes_free(b);

done:
  ahb_rule_set_free(r);
  ahb_estate_free(e);
}

static const char *VM_JSON =
    "[{\"id\": \"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/"
    "virtualMachines/app01\", \"type\": \"Microsoft.Compute/virtualMachines\", "
    "\"licenseType\": null, \"hardwareProfile\": {\"vmSize\": \"Standard_D4s_v5\"}, "
    "\"storageProfile\": {\"osDisk\": {\"osType\": \"Windows\"}}}]";

static void importers(void) {
  ahb_importer *imp = NULL;
  const char *bogus = "{\"bogus\": 1}";
  const char *order = "{\"date_order\": \"ymd\"}";
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_importer_new(NULL, 0, &imp));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_importer_new(U8("{}"), 2, NULL));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE, ahb_importer_new(U8("{}"), HUGE_LEN, &imp));
  EXPECT(AHB_STATUS_PARSE, ahb_importer_new(U8("{"), 1, &imp));
  EXPECT(AHB_STATUS_INVALID_OPTION, ahb_importer_new(U8(bogus), strlen(bogus), &imp));
  CHECK(last_error_contains("bogus"));
  EXPECT(AHB_STATUS_INVALID_OPTION, ahb_importer_new(U8(order), strlen(order), &imp));
  CHECK(last_error_contains("date_order"));
  CHECK(imp == NULL);

  /* An empty importer finishes into an empty estate, once; its report exists afterwards. */
  EXPECT(AHB_STATUS_OK, ahb_importer_new(U8(""), 0, &imp));
  if (imp == NULL) return;
  ahb_bytes *report = NULL;
  ahb_estate *e = NULL;
  EXPECT(AHB_STATUS_INVALID_ARGUMENT, ahb_importer_report_json(imp, &report));
  CHECK(report == NULL);
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_importer_finish(NULL, &e));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_importer_finish(imp, NULL));
  EXPECT(AHB_STATUS_OK, ahb_importer_finish(imp, &e));
  CHECK(e != NULL);
  ahb_estate *again = NULL;
  EXPECT(AHB_STATUS_INVALID_ARGUMENT, ahb_importer_finish(imp, &again));
  CHECK(last_error_contains("already"));
  CHECK(again == NULL);
  EXPECT(AHB_STATUS_INVALID_ARGUMENT,
         ahb_importer_add_inventory(imp, U8("vm.json"), 7, U8(VM_JSON), strlen(VM_JSON)));
  EXPECT(AHB_STATUS_OK, ahb_importer_report_json(imp, &report));
  CHECK(report != NULL && strstr((const char *)ahb_bytes_data(report), "ahb.import-report/1"));
  ahb_bytes_free(report);
  report = NULL;
  ahb_estate_free(e);
  e = NULL;
  ahb_importer_free(imp);
  imp = NULL;

  /* Argument errors leave the importer usable; a catalogue after inventory is refused. */
  EXPECT(AHB_STATUS_OK, ahb_importer_new(U8("{}"), 2, &imp));
  if (imp == NULL) return;
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_importer_add_inventory(NULL, U8("a"), 1, U8("[]"), 2));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_importer_add_inventory(imp, NULL, 1, U8("[]"), 2));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_importer_add_licences_csv(imp, U8("a"), 1, NULL, 2));
  EXPECT(AHB_STATUS_INVALID_UTF8, ahb_importer_add_cost_csv(imp, U8("\xff"), 1, U8("x"), 1));
  EXPECT(AHB_STATUS_LENGTH_TOO_LARGE,
         ahb_importer_add_retail_prices(imp, U8("a"), 1, U8("{}"), HUGE_LEN));
  EXPECT(AHB_STATUS_OK,
         ahb_importer_add_inventory(imp, U8("vm.json"), 7, U8(VM_JSON), strlen(VM_JSON)));
  EXPECT(AHB_STATUS_INVALID_ARGUMENT,
         ahb_importer_add_catalogue(imp, U8("skus.json"), 9, U8("[]"), 2));
  CHECK(last_error_contains("catalogue"));
  /* A malformed file fails with its name and place, and the importer refuses more. */
  EXPECT(AHB_STATUS_PARSE, ahb_importer_add_inventory(imp, U8("bad.json"), 8, U8("[{\"id\": "), 8));
  CHECK(last_error_contains("bad.json"));
  EXPECT(AHB_STATUS_INVALID_ARGUMENT,
         ahb_importer_add_inventory(imp, U8("vm2.json"), 8, U8("[]"), 2));
  CHECK(last_error_contains("earlier call"));
  EXPECT(AHB_STATUS_INVALID_ARGUMENT, ahb_importer_finish(imp, &e));
  CHECK(e == NULL);
  ahb_importer_free(imp);
  imp = NULL;

  /* require_known_sizes: an unknown size fails finish, and the report says which. */
  const char *require = "{\"require_known_sizes\": true}";
  const char *unknown =
      "[{\"id\": \"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/"
      "virtualMachines/x\", \"type\": \"Microsoft.Compute/virtualMachines\", "
      "\"hardwareProfile\": {\"vmSize\": \"Standard_Nope_v99\"}, "
      "\"storageProfile\": {\"osDisk\": {\"osType\": \"Windows\"}}}]";
  EXPECT(AHB_STATUS_OK, ahb_importer_new(U8(require), strlen(require), &imp));
  if (imp == NULL) return;
  EXPECT(AHB_STATUS_OK, ahb_importer_add_inventory(imp, U8("x.json"), 6, U8(unknown),
                                                   strlen(unknown)));
  EXPECT(AHB_STATUS_UNKNOWN_VARIANT, ahb_importer_finish(imp, &e));
  CHECK(last_error_contains("Standard_Nope_v99") && e == NULL);
  EXPECT(AHB_STATUS_OK, ahb_importer_report_json(imp, &report));
  CHECK(report != NULL && strstr((const char *)ahb_bytes_data(report), "Standard_Nope_v99"));
  ahb_bytes_free(report);
  ahb_importer_free(imp);
  ahb_importer_free(NULL);
}

static void exporters_and_rows(const uint8_t *json, size_t len) {
  ahb_estate *e = NULL, *empty = NULL;
  ahb_rule_set *r = NULL;
  ahb_plan *p = NULL;
  ahb_position *pos = NULL;
  ahb_importer *imp = NULL;
  const char *opts = "{\"as_of\": \"2026-11-25\"}";
  if (ahb_estate_from_json(json, len, &e) != AHB_STATUS_OK ||
      ahb_rule_set_new_current(&r) != AHB_STATUS_OK ||
      ahb_optimize(e, r, U8(opts), strlen(opts), &p) != AHB_STATUS_OK ||
      ahb_audit(e, r, U8("2026-11-25"), 10, &pos) != AHB_STATUS_OK ||
      ahb_importer_new(U8(""), 0, &imp) != AHB_STATUS_OK ||
      ahb_importer_finish(imp, &empty) != AHB_STATUS_OK) {
    CHECK(!"the sample estate loads, audits and optimises");
    goto done;
  }
  ahb_bytes *a = NULL, *b = NULL;
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_az_script(NULL, p, &a, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_az_script(e, NULL, &a, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_az_script(e, p, NULL, &b));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_az_script(e, p, &a, NULL));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_arm_patches_json(e, p, NULL));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_plan_csv(NULL, &a));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_csv(pos, NULL));
  /* A plan exported against an estate it was not computed from: an ahb-core error. */
  ahb_status s = ahb_plan_az_script(empty, p, &a, &b);
  CHECK(s != AHB_STATUS_OK && s < 1000);
  s = ahb_plan_arm_patches_json(empty, p, &a);
  CHECK(s != AHB_STATUS_OK && s < 1000);
  CHECK(a == NULL && b == NULL);
  EXPECT(AHB_STATUS_OK, ahb_plan_az_script(e, p, &a, &b));
  CHECK(a != NULL && b != NULL && strstr((const char *)ahb_bytes_data(a), "set -euo pipefail"));
  ahb_bytes_free(a);
  ahb_bytes_free(b);
  a = b = NULL;

  size_t over = 0, under = 0;
  EXPECT(AHB_STATUS_OK, ahb_position_over_claimed_count(pos, &over));
  EXPECT(AHB_STATUS_OK, ahb_position_under_claimed_count(pos, &under));
  uint64_t units = 7;
  uint32_t pool = 7;
  EXPECT(AHB_STATUS_INDEX_OUT_OF_RANGE, ahb_position_over_claimed_units(pos, over, &units));
  EXPECT(AHB_STATUS_INDEX_OUT_OF_RANGE, ahb_position_under_claimed_pool(pos, under, &pool));
  EXPECT(AHB_STATUS_INDEX_OUT_OF_RANGE, ahb_position_under_claimed_resource(pos, SIZE_MAX, &a));
  CHECK(units == 7 && pool == 7 && a == NULL);
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_over_claimed_json(NULL, &a));
  EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_under_claimed_json(pos, NULL));
  if (under > 0) {
    char tiny[2] = {'x', 'x'};
    size_t n = 99;
    EXPECT(AHB_STATUS_NULL_ARGUMENT, ahb_position_under_claimed_units(pos, 0, NULL));
    /* The sample's top under-claimed row is priced: its amount does not fit in 2 bytes. */
    EXPECT(AHB_STATUS_BUFFER_TOO_SMALL,
           ahb_position_under_claimed_monthly_savings(pos, 0, (uint8_t *)tiny, 2, &n));
    CHECK(n == 99 && tiny[0] == 'x');
    EXPECT(AHB_STATUS_OK, ahb_position_under_claimed_resource(pos, 0, &a));
    CHECK(a != NULL && ahb_bytes_len(a) > 0);
    ahb_bytes_free(a);
  }

done:
  ahb_importer_free(imp);
  ahb_position_free(pos);
  ahb_plan_free(p);
  ahb_rule_set_free(r);
  ahb_estate_free(empty);
  ahb_estate_free(e);
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "examples/data/sample-estate.json";
  size_t len = 0;
  uint8_t *json = read_file(path, &len);
  if (json == NULL) {
    fprintf(stderr, "%s: could not read\n", path);
    return 2;
  }
  statuses_and_versions();
  frees_and_bytes_accept_null();
  estates(json, len);
  last_error_buffers();
  rule_sets();
  audits_and_positions(json, len);
  plans(json, len);
  time_and_central(json, len);
  importers();
  exporters_and_rows(json, len);
  free(json);
  printf("misuse: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
