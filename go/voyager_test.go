package voyager

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func env(t *testing.T, name string) string {
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run ./scripts/test-go (or eval \"$(scripts/pg-sandbox up)\")", name)
	}
	return v
}

// The journey: init with the shared control plane, assess with progress, list, rank, and start
// the migration by its UUID, rebuilt from the control plane.
func TestJourney(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cp := env(t, "VOYAGER_CP_URL")
	if Version() == "" {
		t.Fatal("no version")
	}
	info, err := ParseConnectionString("postgresql://u:Secr3t@db.example.com:5433/app")
	if err != nil || info.Host != "db.example.com" || info.Port != 5433 || !info.HasPassword || strings.Contains(info.Redacted, "Secr3t") {
		t.Fatalf("parse: %+v %v", info, err)
	}
	init, err := Init(ctx, InitAnswers{
		Source:                 env(t, "VOYAGER_SOURCE_URL"),
		ControlPlane:           "shared",
		AssessmentControlPlane: cp,
		MigrationDir:           filepath.Join(dir, "m"),
	})
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	if len(init.MigrationUUID) != 36 || init.ConfigFile == "" {
		t.Fatalf("init outcome: %+v", init)
	}
	var steps int
	// init keeps no password: the later calls are given it again.
	source, _ := url.Parse(env(t, "VOYAGER_SOURCE_URL"))
	password, _ := source.User.Password()
	result, err := Assess(ctx, AssessRequest{ConfigFile: init.ConfigFile, SourcePassword: password}, func(p Progress) { steps++ })
	if err != nil {
		t.Fatalf("assess: %v", err)
	}
	if result.Outcome.MigrationUUID != init.MigrationUUID || result.Outcome.Summary.Complexity == "" || len(result.Report) == 0 {
		t.Fatalf("assess outcome: %+v", result.Outcome)
	}
	if steps == 0 {
		t.Fatal("no progress reported")
	}
	status, err := ControlPlaneStatus(ctx, cp)
	if err != nil || status.Assessments < 1 || !status.Writable {
		t.Fatalf("status: %+v %v", status, err)
	}
	rows, err := ControlPlaneList(ctx, cp, &ListFilter{Database: "db1"})
	if err != nil || len(rows) == 0 || rows[0].Database != "db1" {
		t.Fatalf("list: %+v %v", rows, err)
	}
	ranked, err := Rank(ctx, cp, nil)
	if err != nil {
		t.Fatalf("rank: %v", err)
	}
	found := false
	for _, r := range ranked {
		found = found || r.MigrationUUID == init.MigrationUUID
	}
	if !found {
		t.Fatalf("the assessed migration is not ranked: %+v", ranked)
	}
	started, err := StartMigration(ctx, StartMigrationAnswers{
		MigrationDir:           filepath.Join(dir, "rebuilt"),
		AssessmentControlPlane: cp,
		MigrationUUID:          init.MigrationUUID,
		SourcePassword:         password,
		Target:                 env(t, "VOYAGER_TARGET_URL"),
		Flow:                   "offline",
	})
	if err != nil {
		t.Fatalf("start-migration: %v", err)
	}
	if started.MigrationUUID != init.MigrationUUID || started.WayIn != "control-plane" || started.Flow != "offline" {
		t.Fatalf("start-migration outcome: %+v", started)
	}
	// A missing answer names its JSON key, with the structure to branch on.
	_, err = StartMigration(ctx, StartMigrationAnswers{MigrationDir: filepath.Join(dir, "x"), AssessmentControlPlane: cp, MigrationUUID: init.MigrationUUID, SourcePassword: password})
	var verr *Error
	if !errors.As(err, &verr) || verr.Kind != KindMissingAnswer || !strings.Contains(verr.Message, `"target"`) {
		t.Fatalf("missing target: %#v", err)
	}
}

// Structured errors: reason, SQLSTATE, retryable and subject come from the call's own error.
func TestErrorsCarryTheirStructure(t *testing.T) {
	ctx := context.Background()
	host, admin := env(t, "VOYAGER_SOURCE_HOST"), env(t, "VOYAGER_SOURCE_ADMIN_URL")
	_, err := Assess(ctx, AssessRequest{
		Source:    admin[:strings.LastIndex(admin, "/")] + "/no_such_db_here",
		ExportDir: filepath.Join(t.TempDir(), "e"),
	}, nil)
	var verr *Error
	if !errors.As(err, &verr) {
		t.Fatalf("not an *Error: %#v", err)
	}
	if verr.Kind != KindConnection || verr.Reason != ReasonDatabaseMissing || verr.SQLState != "3D000" || verr.Retryable ||
		verr.Subject.Database != "no_such_db_here" || verr.Subject.Host != host {
		t.Fatalf("structure: %+v", verr)
	}
	if !errors.Is(err, &Error{Kind: KindConnection, Reason: ReasonDatabaseMissing}) || errors.Is(err, &Error{Reason: ReasonTimeout}) {
		t.Fatal("errors.Is by kind and reason")
	}
	_, err = ControlPlaneStatus(ctx, "postgresql://u@127.0.0.1:1/db")
	if !errors.As(err, &verr) || verr.Reason != ReasonConnectionRefused || !verr.Retryable {
		t.Fatalf("refused: %+v", err)
	}
}

// 400 goroutines fail at once, each connecting to its own database where nothing listens (fast,
// and no load on the sandbox): each error is its own, message and subject, even as goroutines
// move between OS threads.
func TestConcurrentFailuresEachGetTheirOwnMessage(t *testing.T) {
	const n = 400
	server := "postgresql://u@127.0.0.1:1"
	exportDirs := t.TempDir()
	var wg sync.WaitGroup
	wrong := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := fmt.Sprintf("nodb_%03d", i)
			_, err := Assess(context.Background(), AssessRequest{
				Source:    server + "/" + name,
				ExportDir: filepath.Join(exportDirs, name),
			}, nil)
			var verr *Error
			if !errors.As(err, &verr) || verr.Kind != KindConnection || verr.Reason != ReasonConnectionRefused ||
				!strings.Contains(verr.Message, "/"+name+" ") || verr.Subject.Database != name {
				wrong <- fmt.Sprintf("%s: %#v", name, err)
			}
		}(i)
	}
	wg.Wait()
	close(wrong)
	for w := range wrong {
		t.Error(w)
	}
}

// A server that accepts connections and never answers: cancelling the context ends the call.
func TestContextCancelsACall(t *testing.T) {
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	port := silent.Addr().(*net.TCPAddr).Port
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	started := time.Now()
	_, err = Assess(ctx, AssessRequest{
		Source:    fmt.Sprintf("postgresql://u@127.0.0.1:%d/db?connect_timeout=120", port),
		ExportDir: filepath.Join(t.TempDir(), "e"),
	}, nil)
	took := time.Since(started)
	var verr *Error
	if !errors.As(err, &verr) || verr.Kind != KindCancelled || verr.Reason != ReasonCancelled {
		t.Fatalf("not cancelled: %#v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("does not unwrap to the context's error: %v", err)
	}
	if took > 3*time.Second {
		t.Fatalf("cancelling took %v", took)
	}
	// A context already done: nothing runs.
	done, stop := context.WithCancel(context.Background())
	stop()
	if _, err := ControlPlaneStatus(done, env(t, "VOYAGER_CP_URL")); !errors.Is(err, context.Canceled) {
		t.Fatalf("a done context: %v", err)
	}
}

// SetLogger: a .pgpass ignored for its permissions reaches the Go logger at LogWarn, without the
// password in it; after SetLogger(nil), nothing does.
func TestLoggerReceivesTheLibrarysWarnings(t *testing.T) {
	dir := t.TempDir()
	passfile := filepath.Join(dir, "pgpass")
	const secret = "Zq9-go-never-logged"
	if err := os.WriteFile(passfile, []byte("*:*:*:*:"+secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events []string
	SetLogger(func(level LogLevel, message string) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, level.String()+" "+message)
	}, LogInfo)
	defer SetLogger(nil, LogInfo)
	source := fmt.Sprintf("postgresql://nobody_here@%s:%s/db1?passfile=%s",
		env(t, "VOYAGER_SOURCE_HOST"), env(t, "VOYAGER_SOURCE_PORT"), url.QueryEscape(passfile))
	assess := func() {
		var verr *Error
		_, err := Assess(context.Background(), AssessRequest{Source: source, ExportDir: filepath.Join(dir, "e")}, nil)
		if !errors.As(err, &verr) || verr.Reason != ReasonPasswordMissing {
			t.Fatalf("assess with an ignored password file: %#v", err)
		}
	}
	assess()
	mu.Lock()
	warned := 0
	for _, e := range events {
		if strings.Contains(e, secret) {
			t.Fatalf("the password is in a log event: %q", e)
		}
		if strings.HasPrefix(e, "WARN ") && strings.Contains(e, "ignored") && strings.Contains(e, passfile) {
			warned++
		}
	}
	seen := len(events)
	mu.Unlock()
	if warned == 0 {
		t.Fatalf("no WARN about the ignored password file among %q", events)
	}
	SetLogger(nil, LogInfo)
	assess()
	mu.Lock()
	defer mu.Unlock()
	if len(events) != seen {
		t.Fatalf("events after SetLogger(nil): %q", events[seen:])
	}
}
