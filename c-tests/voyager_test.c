/* Calls every function of include/voyager.h, the error paths included, against the sandbox
 * servers. Prints "N passed, N failed" and exits non-zero on any failure. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <pthread.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "voyager.h"

static int passed, failed;

#define CHECK(cond, what) do { \
    if (cond) { passed++; } \
    else { failed++; fprintf(stderr, "FAIL %s:%d: %s (last error: %s)\n", __FILE__, __LINE__, what, \
           voyager_last_error_message() ? voyager_last_error_message() : "none"); } \
} while (0)

static const char *env_or_die(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "%s is not set: run ./scripts/test (or eval \"$(scripts/pg-sandbox up)\")\n", name);
        exit(2);
    }
    return v;
}

static int contains(const char *hay, const char *needle) { return hay && needle && strstr(hay, needle) != NULL; }

/* Whether any file below dir holds needle. */
static int tree_contains(const char *dir, const char *needle) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    int found = 0;
    while (!found && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) { found = tree_contains(path, needle); continue; }
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        char *buf = malloc((size_t)st.st_size + 1);
        size_t n = fread(buf, 1, (size_t)st.st_size, f);
        buf[n] = 0;
        found = memmem(buf, n, needle, strlen(needle)) != NULL;
        free(buf);
        fclose(f);
    }
    closedir(d);
    return found;
}

static void test_basics(void) {
    CHECK(voyager_version() && strlen(voyager_version()) > 0, "version");
    voyager_string_free(NULL);
    voyager_config_free(NULL);
}

static void test_connection(void) {
    char *out = (char *)0x1;
    voyager_status s = voyager_connection_parse("postgresql://amakala:Secr3t@db.example.com:6432/db1?sslmode=verify-full&sslrootcert=/ca.pem", &out, NULL);
    CHECK(s == VOYAGER_OK, "parse a URI");
    CHECK(contains(out, "\"port\":6432") && contains(out, "\"sslmode\":\"verify-full\"") && contains(out, "\"has_password\":true"), "parsed fields");
    CHECK(!contains(out, "Secr3t"), "no password in parse output");
    voyager_string_free(out);

    out = NULL;
    s = voyager_connection_parse("host=localhost port=5433 dbname=db2 user=yugabyte sslmode=require", &out, NULL);
    CHECK(s == VOYAGER_OK && contains(out, "\"dbname\":\"db2\""), "parse key=value");
    voyager_string_free(out);

    const char *modes[] = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
    for (size_t i = 0; i < 6; i++) {
        char text[128];
        snprintf(text, sizeof text, "host=h sslmode=%s", modes[i]);
        out = NULL;
        CHECK(voyager_connection_parse(text, &out, NULL) == VOYAGER_OK && contains(out, modes[i]), "every sslmode");
        voyager_string_free(out);
    }

    char *untouched = (char *)0x1;
    s = voyager_connection_parse("postgresql://u:Secr3t@h:99999/db", &untouched, NULL);
    CHECK(s == VOYAGER_INVALID_ARGUMENT, "bad port refused");
    CHECK(untouched == (char *)0x1, "out-param untouched on failure");
    CHECK(contains(voyager_last_error_message(), "port") && !contains(voyager_last_error_message(), "Secr3t"), "message says what, without the password");

    CHECK(voyager_connection_parse(NULL, &out, NULL) == VOYAGER_INVALID_ARGUMENT, "NULL argument");
    CHECK(contains(voyager_last_error_message(), "NULL"), "NULL named");
    CHECK(voyager_connection_parse("host=h", NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "NULL out-param");
    const char bad_utf8[] = {'h', 'o', 's', 't', '=', (char)0xff, (char)0xfe, 0};
    CHECK(voyager_connection_parse(bad_utf8, &out, NULL) == VOYAGER_INVALID_ARGUMENT, "invalid UTF-8");
    CHECK(contains(voyager_last_error_message(), "UTF-8"), "UTF-8 named");

    out = NULL;
    CHECK(voyager_connection_redact("oops postgresql://u:Secr3t@h/db password=Other1", &out, NULL) == VOYAGER_OK, "redact");
    CHECK(!contains(out, "Secr3t") && !contains(out, "Other1") && contains(out, "postgresql://u:"), "redacted text");
    voyager_string_free(out);
    CHECK(voyager_last_error_message() == NULL, "no error after success");
    CHECK(voyager_connection_redact(NULL, &out, NULL) == VOYAGER_INVALID_ARGUMENT, "redact NULL");
}

static void test_config(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/c.toml", dir);
    voyager_config *c = NULL;
    CHECK(voyager_config_new(path, &c, NULL) == VOYAGER_OK && c, "config new");
    CHECK(voyager_config_set(c, "source.db-host", "\"pg.example.com\"", NULL) == VOYAGER_OK, "set host");
    CHECK(voyager_config_set(c, "source.db-port", "5433", NULL) == VOYAGER_OK, "set port");
    CHECK(voyager_config_set(c, "source.db-port", "\"abc\"", NULL) == VOYAGER_CONFIG, "wrong type refused");
    CHECK(contains(voyager_last_error_message(), "source.db-port"), "key named");
    CHECK(voyager_config_set(c, "source.db-password", "\"Secr3t\"", NULL) == VOYAGER_CONFIG, "password refused");
    CHECK(voyager_config_set(c, "source.db-host", "{not json", NULL) == VOYAGER_INVALID_ARGUMENT, "bad JSON refused");
    CHECK(voyager_config_set(NULL, "k", "1", NULL) == VOYAGER_INVALID_ARGUMENT, "NULL handle");
    char *text = NULL;
    CHECK(voyager_config_render(c, &text, NULL) == VOYAGER_OK && contains(text, "db-port = 5433") && !contains(text, "Secr3t"), "render");
    voyager_string_free(text);
    CHECK(voyager_config_save(c, NULL) == VOYAGER_OK, "save");
    CHECK(voyager_config_remove(c, "source.db-host", NULL) == VOYAGER_OK, "remove");
    CHECK(voyager_config_remove(c, "source.db-host", NULL) == VOYAGER_NOT_FOUND, "remove twice");
    voyager_config_free(c);

    c = NULL;
    CHECK(voyager_config_load(path, &c, NULL) == VOYAGER_OK, "load");
    char *value = NULL;
    CHECK(voyager_config_get(c, "source.db-host", &value, NULL) == VOYAGER_OK && value && !strcmp(value, "\"pg.example.com\""), "get after load");
    voyager_string_free(value);
    value = (char *)0x1;
    CHECK(voyager_config_get(c, "no.such", &value, NULL) == VOYAGER_NOT_FOUND && value == (char *)0x1, "missing key");
    voyager_config_free(c);

    voyager_config *none = NULL;
    CHECK(voyager_config_load("/nonexistent/voyager/config.toml", &none, NULL) == VOYAGER_NOT_FOUND && none == NULL, "missing file");
    CHECK(voyager_config_new("c.json", &none, NULL) == VOYAGER_CONFIG, "bad extension");
    snprintf(path, sizeof path, "%s/bad.toml", dir);
    FILE *f = fopen(path, "w");
    fputs("[source]\ndb-port = \"abc\"\n", f);
    fclose(f);
    CHECK(voyager_config_load(path, &none, NULL) == VOYAGER_CONFIG && contains(voyager_last_error_message(), "bad.toml"), "wrong key type names the file");
}

static void test_init(const char *dir) {
    const char *source = env_or_die("VOYAGER_SOURCE_URL");
    const char *cp = env_or_die("VOYAGER_CP_URL");
    const char *host = env_or_die("VOYAGER_SOURCE_HOST");
    const char *port = env_or_die("VOYAGER_SOURCE_PORT");
    char answers[8192], m[4096];
    char *out = NULL;

    snprintf(m, sizeof m, "%s/local", dir);
    snprintf(answers, sizeof answers, "{\"source\":\"%s\",\"control_plane\":\"local\",\"migration_dir\":\"%s\"}", source, m);
    CHECK(voyager_init(answers, &out, NULL, NULL) == VOYAGER_OK, "init local");
    CHECK(contains(out, "\"control_plane\":\"local\"") && contains(out, "migration_uuid"), "init outcome");
    CHECK(!contains(out, ":password@"), "no password in outcome");
    voyager_string_free(out);

    char config_path[4200];
    snprintf(config_path, sizeof config_path, "%s/config.toml", m);
    voyager_config *c = NULL;
    CHECK(voyager_config_load(config_path, &c, NULL) == VOYAGER_OK, "load init's config");
    char *value = NULL;
    CHECK(voyager_config_get(c, "source.db-name", &value, NULL) == VOYAGER_OK && !strcmp(value, "\"db1\""), "config source");
    voyager_string_free(value);
    CHECK(voyager_config_set(c, "target.db-host", "\"yb.example.com\"", NULL) == VOYAGER_OK && voyager_config_save(c, NULL) == VOYAGER_OK, "update init's config");
    voyager_config_free(c);
    c = NULL;
    CHECK(voyager_config_load(config_path, &c, NULL) == VOYAGER_OK, "reload");
    value = NULL;
    CHECK(voyager_config_get(c, "target.db-host", &value, NULL) == VOYAGER_OK && contains(value, "yb.example.com"), "reloaded value");
    voyager_string_free(value);
    voyager_config_free(c);

    out = NULL;
    snprintf(m, sizeof m, "%s/shared", dir);
    snprintf(answers, sizeof answers,
             "{\"source\":\"postgresql://pwtest:Zq9-voyager-secret@%s:%s/db1\",\"control_plane\":\"shared\",\"assessment_control_plane\":\"%s\",\"migration_dir\":\"%s\"}",
             host, port, cp, m);
    CHECK(voyager_init(answers, &out, NULL, NULL) == VOYAGER_OK, "init shared");
    CHECK(contains(out, "\"control_plane\":\"shared\"") && !contains(out, "Zq9-voyager-secret"), "shared outcome");
    voyager_string_free(out);
    CHECK(!tree_contains(m, "Zq9-voyager-secret"), "no source password in any file init wrote");
    CHECK(tree_contains(m, "pwtest"), "the user is kept");

    out = (char *)0x1;
    CHECK(voyager_init(answers, &out, NULL, NULL) == VOYAGER_ALREADY_EXISTS && out == (char *)0x1, "existing migration dir refused");
    snprintf(answers, sizeof answers, "{\"source\":\"%s\",\"migration_dir\":\"%s/x\"}", source, dir);
    CHECK(voyager_init(answers, &out, NULL, NULL) == VOYAGER_MISSING_ANSWER && contains(voyager_last_error_message(), "\"control_plane\""), "missing answer named by its JSON key");
    snprintf(answers, sizeof answers, "{\"source\":\"postgresql://pwtest:Wr0ng-pw@%s:%s/db1\",\"control_plane\":\"local\",\"migration_dir\":\"%s/y\"}", host, port, dir);
    CHECK(voyager_init(answers, &out, NULL, NULL) == VOYAGER_CONNECTION, "wrong password");
    CHECK(!contains(voyager_last_error_message(), "Wr0ng-pw") && contains(voyager_last_error_message(), "password authentication failed"), "wrong password message");
    CHECK(voyager_init("{\"sourse\":1}", &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT && contains(voyager_last_error_message(), "sourse"), "unknown answer key");
    CHECK(voyager_init("not json", &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "bad JSON");
    CHECK(voyager_init(NULL, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "NULL answers");
    CHECK(voyager_init("{\"source\":\"postgresql://[oops\",\"control_plane\":\"local\",\"migration_dir\":\"/tmp/nope\"}", &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "bad connection string");
    /* Issue 10 item 24: an unknown control plane is an error naming the valid ones, never local. */
    snprintf(answers, sizeof answers, "{\"source\":\"%s\",\"control_plane\":\"cloud\",\"migration_dir\":\"%s/z\"}", source, dir);
    CHECK(voyager_init(answers, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT && contains(voyager_last_error_message(), "shared, local"), "unknown control plane");
    /* Issue 12 item 7: the shared control plane's address alone means shared, as on the CLI and in
       Python; with local it is refused and nothing is written. */
    out = NULL;
    snprintf(answers, sizeof answers, "{\"source\":\"%s\",\"assessment_control_plane\":\"%s\",\"migration_dir\":\"%s/implied\"}", source, cp, dir);
    CHECK(voyager_init(answers, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"control_plane\":\"shared\""), "assessment_control_plane implies shared");
    voyager_string_free(out);
    snprintf(answers, sizeof answers, "{\"source\":\"%s\",\"control_plane\":\"local\",\"assessment_control_plane\":\"%s\",\"migration_dir\":\"%s/contradiction\"}", source, cp, dir);
    CHECK(voyager_init(answers, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT && contains(voyager_last_error_message(), "shared, not local"), "local with a shared control plane refused");
    snprintf(m, sizeof m, "%s/contradiction", dir);
    CHECK(access(m, F_OK) != 0, "nothing written for the contradiction");
}

static int progress_calls;
static void on_progress(const char *json, void *user_data) {
    if (json && strstr(json, "\"step\"") && user_data == (void *)&progress_calls) progress_calls++;
}

static void test_assess(const char *dir) {
    const char *source = env_or_die("VOYAGER_SOURCE_URL");
    char request[8192], *out = NULL;
    snprintf(request, sizeof request, "{\"source\":\"%s\",\"export_dir\":\"%s/assess-e\"}", source, dir);
    CHECK(voyager_assess(request, on_progress, &progress_calls, &out, NULL, NULL) == VOYAGER_OK, "assess");
    CHECK(contains(out, "\"MigrationComplexity\":\"LOW\"") && contains(out, "\"DbName\":\"db1\""), "assess report");
    CHECK(contains(out, "migration_assessment_report.json"), "assess outcome names the report");
    CHECK(progress_calls == 4, "progress called for each step");
    voyager_string_free(out);
    out = NULL;
    snprintf(request, sizeof request,
             "{\"source\":\"%s\",\"export_dir\":\"%s/assess-f\",\"source_db_schema\":\"shop\","
             "\"lock_timeout_seconds\":5,\"statement_timeout_seconds\":60}",
             source, dir);
    CHECK(voyager_assess(request, NULL, NULL, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"SchemaNames\":[\"shop\"]"), "assess without progress");
    voyager_string_free(out);
    out = (char *)0x1;
    CHECK(voyager_assess("{}", NULL, NULL, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT && out == (char *)0x1, "assess needs a source");
    snprintf(request, sizeof request, "{\"source\":\"%s\",\"export_dir\":\"%s/x\",\"target_db_version\":\"latest\"}", source, dir);
    CHECK(voyager_assess(request, NULL, NULL, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT && contains(voyager_last_error_message(), "X.Y.Z.W"), "bad version");
    CHECK(voyager_assess(NULL, NULL, NULL, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "assess NULL");
    snprintf(request, sizeof request, "{\"source\":\"%s\",\"export_dir\":\"%s/x\",\"lock_timeout_seconds\":99999999}", source, dir);
    CHECK(voyager_assess(request, NULL, NULL, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT && contains(voyager_last_error_message(), "\"lock_timeout_seconds\""),
          "lock timeout too large for PostgreSQL");
}

static void test_control_plane(const char *dir, char uuid[37]) {
    const char *cp = env_or_die("VOYAGER_CP_URL");
    const char *source = env_or_die("VOYAGER_SOURCE_URL");
    char request[8192], *out = NULL;
    snprintf(request, sizeof request, "{\"source\":\"%s\",\"export_dir\":\"%s/cp-e\",\"assessment_control_plane\":\"%s\"}", source, dir, cp);
    CHECK(voyager_assess(request, NULL, NULL, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"stored\":true"), "assess into the control plane");
    const char *at = out ? strstr(out, "\"migration_uuid\":\"") : NULL;
    if (at) memcpy(uuid, at + 18, 36);
    voyager_string_free(out);

    out = NULL;
    CHECK(voyager_control_plane_status(cp, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"writable\":true") && !contains(out, ":yugabyte@"), "status");
    voyager_string_free(out);
    out = NULL;
    CHECK(voyager_control_plane_list(cp, "{\"database\":\"db1\",\"sort\":\"issues\",\"descending\":true}", &out, NULL, NULL) == VOYAGER_OK && contains(out, uuid), "list with a filter");
    voyager_string_free(out);
    out = NULL;
    CHECK(voyager_control_plane_list(cp, NULL, &out, NULL, NULL) == VOYAGER_OK && contains(out, "["), "list without a filter");
    voyager_string_free(out);
    out = NULL;
    CHECK(voyager_control_plane_show(cp, uuid, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"origin\":\"libvoyager\"") && contains(out, "\"history\""), "show");
    voyager_string_free(out);
    out = NULL;
    CHECK(voyager_control_plane_push(request, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"stored\":true"), "push again is fine");
    voyager_string_free(out);
    out = (char *)0x1;
    CHECK(voyager_control_plane_show(cp, "00000000-0000-0000-0000-000000000000", &out, NULL, NULL) == VOYAGER_NOT_FOUND && out == (char *)0x1, "unknown uuid");
    CHECK(voyager_control_plane_show(cp, "'; DROP TABLE x; --", &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "malformed uuid");
    CHECK(voyager_control_plane_list(cp, "{\"sort\":\"nope\"}", &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "bad filter");
    char closed[256];
    snprintf(closed, sizeof closed, "postgresql://yugabyte:Secr3t-cp@127.0.0.1:1/yugabyte?connect_timeout=2");
    CHECK(voyager_control_plane_status(closed, &out, NULL, NULL) == VOYAGER_CONTROL_PLANE && !contains(voyager_last_error_message(), "Secr3t-cp"), "unreachable control plane");
    CHECK(voyager_control_plane_status(NULL, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "NULL control plane");
}

static void test_start_migration(const char *dir, const char *uuid) {
    const char *cp = env_or_die("VOYAGER_CP_URL");
    const char *target = env_or_die("VOYAGER_TARGET_URL");
    char answers[8192], path[1024], *out = NULL;
    snprintf(answers, sizeof answers,
             "{\"migration_dir\":\"%s/rebuilt\",\"assessment_control_plane\":\"%s\",\"migration_uuid\":\"%s\","
             "\"source_password\":\"password\",\"target\":\"%s\",\"flow\":\"live-fall-back\"}",
             dir, cp, uuid, target);
    CHECK(voyager_start_migration(answers, &out, NULL, NULL) == VOYAGER_OK, "start-migration rebuilds from the control plane");
    CHECK(contains(out, uuid) && contains(out, "\"way_in\":\"control-plane\"") && contains(out, "initiate cutover to source"), "start-migration outcome");
    CHECK(!contains(out, ":yugabyte@"), "the outcome holds no target password");
    voyager_string_free(out);
    snprintf(path, sizeof path, "%s/rebuilt/export-dir/assessment/reports/migration_assessment_report.json", dir);
    CHECK(access(path, R_OK) == 0, "the report is where later commands expect it");
    snprintf(path, sizeof path, "%s/rebuilt", dir);
    CHECK(tree_contains(path, "data-migration-flow = \"live-fall-back\"") && !tree_contains(path, "db-password"), "config has the flow, no password");
    out = NULL;
    CHECK(voyager_start_migration(answers, &out, NULL, NULL) == VOYAGER_OK && contains(out, uuid), "start-migration again converges");
    voyager_string_free(out);

    out = (char *)0x1;
    snprintf(answers, sizeof answers, "{\"config_file\":\"%s/rebuilt/config.toml\",\"migration_uuid\":\"%s\"}", dir, uuid);
    CHECK(voyager_start_migration(answers, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT && contains(voyager_last_error_message(), "not both") && out == (char *)0x1, "two ways in at once");
    snprintf(answers, sizeof answers,
             "{\"migration_dir\":\"%s/other\",\"assessment_control_plane\":\"%s\",\"migration_uuid\":\"%s\",\"source_password\":\"password\"}",
             dir, cp, uuid);
    CHECK(voyager_start_migration(answers, &out, NULL, NULL) == VOYAGER_MISSING_ANSWER && contains(voyager_last_error_message(), "\"target\""), "missing target names its JSON key");
    snprintf(answers, sizeof answers,
             "{\"migration_dir\":\"%s/other\",\"assessment_control_plane\":\"%s\",\"migration_uuid\":\"00000000-0000-0000-0000-000000000000\"}",
             dir, cp);
    CHECK(voyager_start_migration(answers, &out, NULL, NULL) == VOYAGER_NOT_FOUND, "unknown uuid");
    snprintf(path, sizeof path, "%s/other", dir);
    CHECK(access(path, F_OK) != 0, "no half-written migration dir");
    CHECK(voyager_start_migration("{\"flow\":\"offline\",\"colour\":\"red\"}", &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "unknown key");
    CHECK(voyager_start_migration(NULL, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "start-migration NULL");
}

static int fleet_events;
static void on_fleet_progress(const char *json, void *user_data) {
    if (json && strstr(json, "\"event\":{") && user_data == (void *)&fleet_events) fleet_events++;
}

static void test_fleet(const char *dir) {
    const char *cp = env_or_die("VOYAGER_CP_URL");
    const char *host = env_or_die("VOYAGER_SOURCE_HOST");
    const char *port = env_or_die("VOYAGER_SOURCE_PORT");
    char path[1024], request[4096], fleet[64], *out = NULL;
    snprintf(fleet, sizeof fleet, "c-fleet-%d", (int)getpid());
    snprintf(path, sizeof path, "%s/fleet.toml", dir);
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); failed++; return; }
    fprintf(f, "name = \"%s\"\n", fleet);
    for (int i = 1; i <= 3; i++)
        fprintf(f, "[[source]]\nconnection = \"postgresql://amakala:password@%s:%s/db%d\"\nlabels = { team = \"c\" }\n", host, port, i);
    fclose(f);
    snprintf(request, sizeof request, "{\"fleet_file\":\"%s\",\"work_dir\":\"%s/fleet-work\",\"assessment_control_plane\":\"%s\",\"parallel\":1}", path, dir, cp);
    CHECK(voyager_assess_fleet(request, on_fleet_progress, &fleet_events, &out, NULL, NULL) == VOYAGER_OK, "assess a fleet");
    CHECK(contains(out, "\"done\":3") && contains(out, "\"failed\":0") && contains(out, "fleet_report.html"), "fleet outcome");
    if (!contains(out, "\"failed\":0")) fprintf(stderr, "fleet outcome: %s\n", out ? out : "(none)");
    CHECK(fleet_events == 3, "fleet progress called for each database");
    voyager_string_free(out);
    snprintf(path, sizeof path, "%s/fleet-work", dir);
    CHECK(!tree_contains(path, "amakala:password"), "no source password in the work dir");
    out = NULL;
    CHECK(voyager_fleet_rank(cp, fleet, NULL, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"database\":\"db2\"") && contains(out, "\"wave\":3"), "rank the fleet");
    CHECK(contains(out, "\"team\":\"c\"") && contains(out, "\"why\":"), "ranked rows have labels and reasons");
    voyager_string_free(out);
    out = NULL;
    CHECK(voyager_fleet_list(cp, fleet, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"database\":\"db1\"") && contains(out, "\"database\":\"db3\""), "list the fleet");
    voyager_string_free(out);
    /* db3 leaves the fleet file: not counted, and "prune" removes it from the fleet. */
    snprintf(path, sizeof path, "%s/fleet.toml", dir);
    f = fopen(path, "w");
    if (!f) { perror(path); failed++; return; }
    fprintf(f, "name = \"%s\"\n", fleet);
    for (int i = 1; i <= 2; i++)
        fprintf(f, "[[source]]\nconnection = \"postgresql://amakala:password@%s:%s/db%d\"\n", host, port, i);
    fclose(f);
    snprintf(request, sizeof request, "{\"fleet_file\":\"%s\",\"work_dir\":\"%s/fleet-work\",\"assessment_control_plane\":\"%s\",\"prune\":true}", path, dir, cp);
    out = NULL;
    CHECK(voyager_assess_fleet(request, NULL, NULL, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"total\":2") && contains(out, "\"pruned\":1"), "prune a shrunk fleet");
    voyager_string_free(out);
    out = NULL;
    CHECK(voyager_fleet_list(cp, fleet, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"database\":\"db1\"") && !contains(out, "\"database\":\"db3\""), "the pruned database left the fleet");
    voyager_string_free(out);
    out = (char *)0x1;
    snprintf(path, sizeof path, "%s/weights.toml", dir);
    f = fopen(path, "w");
    if (f) { fputs("level9 = 1\n", f); fclose(f); }
    CHECK(voyager_fleet_rank(cp, fleet, path, &out, NULL, NULL) == VOYAGER_CONFIG && contains(voyager_last_error_message(), "level9"), "bad weights file");
    CHECK(voyager_fleet_rank(cp, "no such fleet", NULL, &out, NULL, NULL) == VOYAGER_NOT_FOUND, "unknown fleet");
    {
        /* NULL fleet: the only fleet, or (with several) an error that lists them. */
        char *only = NULL;
        voyager_status st = voyager_fleet_rank(cp, NULL, NULL, &only, NULL, NULL);
        CHECK(st == VOYAGER_OK ? contains(only, "\"database\":\"db1\"")
                               : (st == VOYAGER_INVALID_ARGUMENT && contains(voyager_last_error_message(), fleet)),
              "NULL fleet: the only fleet, or the fleets listed");
        if (st == VOYAGER_OK) voyager_string_free(only);
    }
    CHECK(voyager_assess_fleet("{}", NULL, NULL, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT && out == (char *)0x1, "fleet without inventory");
    CHECK(voyager_assess_fleet("{\"fleet_file\":\"x.toml\",\"colour\":1}", NULL, NULL, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "unknown key");
}

/* How many times needle occurs in hay. */
static int occurrences(const char *hay, const char *needle) {
    int n = 0;
    for (const char *at = hay; at && (at = strstr(at, needle)) != NULL; at += strlen(needle)) n++;
    return n;
}

/* Everything the control plane holds, ranked: db1 (assessed by hand and by the fleet), db2, db3
   and a database only yb-voyager recorded, each once; diff and forget. */
static void test_rank(void) {
    const char *cp = env_or_die("VOYAGER_CP_URL");
    char sql[2048], *out = NULL;
    char legacy[37];
    snprintf(legacy, sizeof legacy, "00000000-0000-4000-8000-%012d", (int)getpid());
    snprintf(sql, sizeof sql,
             "psql -q -v ON_ERROR_STOP=1 '%s' -c \"INSERT INTO ybvoyager_visualizer.ybvoyager_visualizer_metadata "
             "(migration_uuid, migration_phase, invocation_sequence, database_name, schema_name, payload, complexity, db_type, status, invocation_timestamp) "
             "VALUES ('%s', 1, 1, 'c_legacy_db', 'public', '{\\\"MigrationComplexity\\\": \\\"HIGH\\\"}', 'HIGH', 'postgresql', 'COMPLETED', now())\"",
             cp, legacy);
    CHECK(system(sql) == 0, "insert a row only yb-voyager wrote");
    CHECK(voyager_rank(cp, NULL, &out, NULL, NULL) == VOYAGER_OK, "rank everything");
    CHECK(occurrences(out, "\"database\":\"db1\"") == 1 && occurrences(out, "\"database\":\"db2\"") == 1
              && occurrences(out, "\"database\":\"db3\"") == 1 && occurrences(out, "\"database\":\"c_legacy_db\"") == 1,
          "each database once");
    if (!contains(out, "c_legacy_db")) fprintf(stderr, "rank: %s\n", out ? out : "(none)");
    CHECK(contains(out, "\"origin\":\"yb_voyager\"") && contains(out, "\"migrations\":["), "yb-voyager-only marked; migrations underneath");
    voyager_string_free(out);
    out = NULL;
    CHECK(voyager_rank(cp, "{\"complexity\":\"HIGH\",\"status\":\"completed\"}", &out, NULL, NULL) == VOYAGER_OK
              && contains(out, "c_legacy_db") && !contains(out, "\"database\":\"db1\""),
          "rank with filters");
    voyager_string_free(out);
    out = (char *)0x1;
    CHECK(voyager_rank(cp, "{\"colour\":1}", &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT && out == (char *)0x1, "rank: unknown key");
    CHECK(voyager_rank(cp, "{\"labels\":[\"nokey\"]}", &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "rank: bad label");
    CHECK(voyager_control_plane_diff(cp, legacy, 0, 0, &out, NULL, NULL) == VOYAGER_NOT_FOUND, "diff of a yb-voyager-only migration");
    CHECK(voyager_control_plane_diff(cp, "nope", 0, 0, &out, NULL, NULL) == VOYAGER_INVALID_ARGUMENT, "diff: malformed uuid");
    CHECK(voyager_control_plane_forget(cp, legacy, false, &out, NULL, NULL) == VOYAGER_NOT_FOUND
              && contains(voyager_last_error_message(), "\"include_yugabyted\""),
          "forget leaves yugabyted's rows unless asked");
    out = NULL;
    CHECK(voyager_control_plane_forget(cp, legacy, true, &out, NULL, NULL) == VOYAGER_OK && contains(out, "\"yugabyted_rows_removed\":1"), "forget with yugabyted's rows");
    voyager_string_free(out);
    out = NULL;
    CHECK(voyager_rank(cp, NULL, &out, NULL, NULL) == VOYAGER_OK && !contains(out, legacy), "forgotten");
    voyager_string_free(out);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The error object: every field, from the call's own out-parameter. */
static void test_error_object(const char *dir) {
    const char *host = env_or_die("VOYAGER_SOURCE_HOST"), *port = env_or_die("VOYAGER_SOURCE_PORT");
    char answers[2048];
    char *out = NULL;
    voyager_error *err = (voyager_error *)0x1;
    snprintf(answers, sizeof answers, "{\"source\":\"postgresql://pwtest:Wr0ng-pw@%s:%s/db1\",\"control_plane\":\"local\",\"migration_dir\":\"%s/e1\"}", host, port, dir);
    CHECK(voyager_init(answers, &out, NULL, &err) == VOYAGER_CONNECTION && err, "a failure hands back an error object");
    CHECK(voyager_error_kind(err) == VOYAGER_CONNECTION, "error kind");
    CHECK(!strcmp(voyager_error_reason(err), "authentication_failed"), "error reason");
    CHECK(voyager_error_sqlstate(err) && !strcmp(voyager_error_sqlstate(err), "28P01"), "error SQLSTATE");
    CHECK(!voyager_error_retryable(err), "a wrong password is not retryable");
    CHECK(voyager_error_subject_database(err) && !strcmp(voyager_error_subject_database(err), "db1"), "error subject database");
    CHECK(voyager_error_subject_host(err) && !strcmp(voyager_error_subject_host(err), host), "error subject host");
    CHECK(voyager_error_subject_port(err) == atoi(port), "error subject port");
    CHECK(contains(voyager_error_message(err), "password authentication failed") && !contains(voyager_error_message(err), "Wr0ng-pw"), "error message");
    CHECK(contains(voyager_error_json(err), "\"reason\":\"authentication_failed\"") && !contains(voyager_error_json(err), "Wr0ng-pw"), "error JSON");
    voyager_error_free(err);
    voyager_error_free(NULL);
    CHECK(voyager_error_reason(NULL) == NULL && voyager_error_kind(NULL) == VOYAGER_INVALID_ARGUMENT, "NULL error getters");

    /* No password at all: the server asks for one (the reason, not the text, says so). A password
     * file others may read is ignored, and that is logged. */
    char passfile[1024];
    snprintf(passfile, sizeof passfile, "%s/pgpass", dir);
    FILE *f = fopen(passfile, "w");
    fprintf(f, "*:*:*:pwtest:Zq9-voyager-secret\n");
    fclose(f);
    chmod(passfile, 0644);
    snprintf(answers, sizeof answers, "{\"source\":\"postgresql://pwtest@%s:%s/db1?passfile=%s\",\"control_plane\":\"local\",\"migration_dir\":\"%s/e2\"}", host, port, passfile, dir);
    CHECK(voyager_init(answers, &out, NULL, &err) == VOYAGER_MISSING_ANSWER, "no password: init asks for one");
    CHECK(contains(voyager_error_message(err), "\"source_password\""), "the question names its JSON key");
    voyager_error_free(err);
    snprintf(answers, sizeof answers, "{\"source\":\"postgresql://pwtest@%s:%s/db1?passfile=%s\",\"export_dir\":\"%s/e3\"}", host, port, passfile, dir);
    CHECK(voyager_assess(answers, NULL, NULL, &out, NULL, &err) == VOYAGER_CONNECTION, "no password: assess fails");
    CHECK(!strcmp(voyager_error_reason(err), "password_missing"), "reason password_missing");
    voyager_error_free(err);

    /* Nothing listens: refused, worth a retry. */
    CHECK(voyager_control_plane_status("postgresql://u@127.0.0.1:1/db", &out, NULL, &err) != VOYAGER_OK, "refused");
    CHECK(!strcmp(voyager_error_reason(err), "connection_refused") && voyager_error_retryable(err), "refused is retryable");
    voyager_error_free(err);

    /* A success clears the thread's last error and sets err to NULL: nothing stale. */
    CHECK(voyager_last_error_message() != NULL, "a failure leaves a message");
    err = (voyager_error *)0x1;
    CHECK(voyager_connection_redact("x", &out, &err) == VOYAGER_OK && err == NULL, "a success sets err to NULL");
    voyager_string_free(out);
    CHECK(voyager_last_error_message() == NULL, "a success clears the last error");
}

struct log_seen { int warnings; int leaked; };
static void on_log(voyager_log_level level, const char *message, void *user_data) {
    struct log_seen *seen = user_data;
    if (level == VOYAGER_LOG_WARN && contains(message, "pgpass") && contains(message, "ignored")) seen->warnings++;
    if (contains(message, "Zq9-voyager-secret")) seen->leaked++;
}

static void test_log_callback(const char *dir) {
    const char *host = env_or_die("VOYAGER_SOURCE_HOST"), *port = env_or_die("VOYAGER_SOURCE_PORT");
    static struct log_seen seen;
    CHECK(voyager_set_log_callback(on_log, VOYAGER_LOG_INFO, &seen), "log callback installed");
    char answers[2048], *out = NULL;
    snprintf(answers, sizeof answers, "{\"source\":\"postgresql://pwtest@%s:%s/db1?passfile=%s/pgpass\",\"export_dir\":\"%s/l1\"}", host, port, dir, dir);
    CHECK(voyager_assess(answers, NULL, NULL, &out, NULL, NULL) == VOYAGER_CONNECTION, "assess with an ignored password file");
    CHECK(seen.warnings >= 1, "the ignored password file is logged at WARN");
    CHECK(seen.leaked == 0, "no password in the log");
    voyager_set_log_callback(NULL, VOYAGER_LOG_INFO, NULL);
    int before = seen.warnings;
    CHECK(voyager_assess(answers, NULL, NULL, &out, NULL, NULL) == VOYAGER_CONNECTION, "assess again");
    CHECK(seen.warnings == before, "no callback after it is removed");
}

static void *cancel_later(void *token) {
    usleep(300 * 1000);
    voyager_cancel_token_cancel(token);
    return NULL;
}

/* A server that accepts connections and never answers: a call waits on it until cancelled. */
static void test_cancel(const char *dir) {
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    CHECK(bind(sock, (struct sockaddr *)&addr, sizeof addr) == 0 && listen(sock, 16) == 0
          && getsockname(sock, (struct sockaddr *)&addr, &len) == 0, "silent server");
    int silent_port = ntohs(addr.sin_port);
    char request[1024], cp[256];
    snprintf(request, sizeof request, "{\"source\":\"postgresql://u@127.0.0.1:%d/db?connect_timeout=120\",\"export_dir\":\"%s/c1\"}", silent_port, dir);
    snprintf(cp, sizeof cp, "postgresql://u@127.0.0.1:%d/db?connect_timeout=120", silent_port);

    voyager_cancel_token *token = voyager_cancel_token_new();
    pthread_t thread;
    pthread_create(&thread, NULL, cancel_later, token);
    char *out = NULL;
    voyager_error *err = NULL;
    double started = now_seconds();
    CHECK(voyager_assess(request, NULL, NULL, &out, token, &err) == VOYAGER_CANCELLED, "a cancelled assess returns VOYAGER_CANCELLED");
    double took = now_seconds() - started;
    CHECK(took < 3.0, "cancelled promptly");
    CHECK(err && !strcmp(voyager_error_reason(err), "cancelled"), "reason cancelled");
    CHECK(voyager_cancel_token_is_cancelled(token), "token is cancelled");
    voyager_error_free(err);
    pthread_join(thread, NULL);
    /* A cancelled token ends the next call at once; a control-plane call takes one too. */
    CHECK(voyager_control_plane_status(cp, &out, token, &err) == VOYAGER_CANCELLED, "a cancelled token ends a control-plane call");
    voyager_error_free(err);
    voyager_cancel_token_free(token);
    voyager_cancel_token_free(NULL);
    close(sock);
}

int main(void) {
    char dir[] = "/tmp/voyager-c-test.XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
    test_basics();
    test_connection();
    test_config(dir);
    test_init(dir);
    test_assess(dir);
    char uuid[37] = {0};
    test_control_plane(dir, uuid);
    test_start_migration(dir, uuid);
    test_fleet(dir);
    test_rank();
    test_error_object(dir);
    test_log_callback(dir);
    test_cancel(dir);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
