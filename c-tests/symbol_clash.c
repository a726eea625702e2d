/* An application with functions named like those of the SQL parser inside libvoyager (errmsg,
 * palloc, pfree): it links against libvoyager.a without "multiple definition" errors, because
 * only voyager_* symbols are global in the archive, and both its own and libvoyager's run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <voyager.h>

static int errmsg_calls;

int errmsg(const char *fmt, ...) {
  (void)fmt;
  return ++errmsg_calls;
}

void *palloc(size_t size) { return malloc(size); }

void pfree(void *p) { free(p); }

int main(void) {
  char *redacted = NULL;
  void *p = palloc(8);
  pfree(p);
  if (errmsg("mine") != 1) return 1;
  if (voyager_connection_redact("postgresql://u:Zq9-secret@h/db", &redacted, NULL) != VOYAGER_OK || redacted == NULL) {
    fprintf(stderr, "voyager_connection_redact failed: %s\n", voyager_last_error_message());
    return 1;
  }
  if (strstr(redacted, "Zq9-secret") != NULL) {
    fprintf(stderr, "the password was not redacted: %s\n", redacted);
    return 1;
  }
  printf("libvoyager %s beside the application's own errmsg: %s\n", voyager_version(), redacted);
  voyager_string_free(redacted);
  return 0;
}
