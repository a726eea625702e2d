package voyager

import "encoding/json"

// ConnectionInfo is a parsed connection string, never its password.
type ConnectionInfo struct {
	Host        string   `json:"host"`
	Hosts       []string `json:"hosts"`
	Port        int      `json:"port"`
	DBName      string   `json:"dbname"`
	User        string   `json:"user"`
	SSLMode     string   `json:"sslmode"`
	HasPassword bool     `json:"has_password"`
	Redacted    string   `json:"redacted"`
}

// InitAnswers are init's answers, given up front (JSON keys of voyager_init).
type InitAnswers struct {
	Source                 string `json:"source,omitempty"`
	SourcePassword         string `json:"source_password,omitempty"`
	ControlPlane           string `json:"control_plane,omitempty"`
	AssessmentControlPlane string `json:"assessment_control_plane,omitempty"`
	MigrationDir           string `json:"migration_dir,omitempty"`
	Force                  bool   `json:"force,omitempty"`
	Yes                    bool   `json:"yes,omitempty"`
}

// InitOutcome is what init made.
type InitOutcome struct {
	MigrationUUID          string   `json:"migration_uuid"`
	MigrationDir           string   `json:"migration_dir"`
	ConfigFile             string   `json:"config_file"`
	ExportDir              string   `json:"export_dir"`
	Source                 string   `json:"source"`
	SourceServerVersion    string   `json:"source_server_version"`
	ControlPlane           string   `json:"control_plane"`
	AssessmentControlPlane string   `json:"assessment_control_plane"`
	Messages               []string `json:"messages"`
	Notes                  []string `json:"notes"`
	NextStep               string   `json:"next_step"`
}

// AssessRequest says what to assess: ConfigFile (a migration dir from init), or Source with
// ExportDir.
type AssessRequest struct {
	ConfigFile              string  `json:"config_file,omitempty"`
	Source                  string  `json:"source,omitempty"`
	SourcePassword          string  `json:"source_password,omitempty"`
	ExportDir               string  `json:"export_dir,omitempty"`
	SourceDBSchema          string  `json:"source_db_schema,omitempty"`
	TargetDBVersion         string  `json:"target_db_version,omitempty"`
	AssessmentControlPlane  string  `json:"assessment_control_plane,omitempty"`
	LockTimeoutSeconds      *uint64 `json:"lock_timeout_seconds,omitempty"`
	StatementTimeoutSeconds *uint64 `json:"statement_timeout_seconds,omitempty"`
}

// Progress is one step of an assessment.
type Progress struct {
	Step  string `json:"step"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// Summary is an assessment's summary.
type Summary struct {
	Complexity     string  `json:"complexity"`
	Level1         int     `json:"level1"`
	Level2         int     `json:"level2"`
	Level3         int     `json:"level3"`
	TotalSizeBytes int64   `json:"total_size_bytes"`
	EffortHours    float64 `json:"effort_hours"`
}

// AssessOutcome is what an assessment did.
type AssessOutcome struct {
	MigrationUUID string          `json:"migration_uuid"`
	ExportDir     string          `json:"export_dir"`
	Source        string          `json:"source"`
	Summary       Summary         `json:"summary"`
	DurationMS    uint64          `json:"duration_ms"`
	Report        json.RawMessage `json:"report"`
	ControlPlane  json.RawMessage `json:"control_plane"`
}

// AssessResult is an assessment's outcome and its report (in yb-voyager's field names, left as
// JSON to decode as needed).
type AssessResult struct {
	Outcome AssessOutcome   `json:"outcome"`
	Report  json.RawMessage `json:"report"`
}

// StartMigrationAnswers are start-migration's answers, given up front.
type StartMigrationAnswers struct {
	ConfigFile             string `json:"config_file,omitempty"`
	MigrationDir           string `json:"migration_dir,omitempty"`
	AssessmentControlPlane string `json:"assessment_control_plane,omitempty"`
	MigrationUUID          string `json:"migration_uuid,omitempty"`
	Source                 string `json:"source,omitempty"`
	SourcePassword         string `json:"source_password,omitempty"`
	Target                 string `json:"target,omitempty"`
	TargetPassword         string `json:"target_password,omitempty"`
	Flow                   string `json:"flow,omitempty"`
	Yes                    bool   `json:"yes,omitempty"`
}

// StartMigrationOutcome is what start-migration recorded.
type StartMigrationOutcome struct {
	MigrationUUID string   `json:"migration_uuid"`
	MigrationDir  string   `json:"migration_dir"`
	ConfigFile    string   `json:"config_file"`
	ReportJSON    string   `json:"report_json"`
	WayIn         string   `json:"way_in"`
	Source        string   `json:"source"`
	Target        string   `json:"target"`
	Flow          string   `json:"flow"`
	Summary       Summary  `json:"summary"`
	Messages      []string `json:"messages"`
	NextSteps     []string `json:"next_steps"`
}

// ControlPlaneInfo is the control plane's status.
type ControlPlaneInfo struct {
	ControlPlane        string `json:"control_plane"`
	ServerVersion       string `json:"server_version"`
	SchemaVersion       int    `json:"schema_version"`
	ClientSchemaVersion int    `json:"client_schema_version"`
	Writable            bool   `json:"writable"`
	Migrations          int64  `json:"migrations"`
	Assessments         int64  `json:"assessments"`
}

// ListFilter narrows ControlPlaneList.
type ListFilter struct {
	Complexity   string `json:"complexity,omitempty"`
	Status       string `json:"status,omitempty"`
	Host         string `json:"host,omitempty"`
	Database     string `json:"database,omitempty"`
	Sort         string `json:"sort,omitempty"`
	Descending   bool   `json:"descending,omitempty"`
	Limit        int    `json:"limit,omitempty"`
	Offset       int    `json:"offset,omitempty"`
	PerMigration bool   `json:"per_migration,omitempty"`
}

// MigrationSummary is one row of ControlPlaneList (its latest assessment in Latest, as JSON).
type MigrationSummary struct {
	Database   string                     `json:"database"`
	Host       string                     `json:"host"`
	Port       int                        `json:"port"`
	Status     string                     `json:"status"`
	Complexity string                     `json:"complexity"`
	Migrations json.RawMessage            `json:"migrations"`
	Extra      map[string]json.RawMessage `json:"-"`
}

// FleetRequest says which fleet to assess: WorkDir and FleetFile or AllDatabases.
type FleetRequest struct {
	FleetFile              string   `json:"fleet_file,omitempty"`
	AllDatabases           string   `json:"all_databases,omitempty"`
	Include                []string `json:"include,omitempty"`
	Exclude                []string `json:"exclude,omitempty"`
	FleetName              string   `json:"fleet_name,omitempty"`
	WorkDir                string   `json:"work_dir,omitempty"`
	AssessmentControlPlane string   `json:"assessment_control_plane,omitempty"`
	Parallel               int      `json:"parallel,omitempty"`
	PerHost                int      `json:"per_host,omitempty"`
	Reassess               bool     `json:"reassess,omitempty"`
	LeaseSeconds           int      `json:"lease_seconds,omitempty"`
	TimeoutSeconds         int      `json:"timeout_seconds,omitempty"`
	SourceDBSchema         string   `json:"source_db_schema,omitempty"`
	TargetDBVersion        string   `json:"target_db_version,omitempty"`
	Worker                 string   `json:"worker,omitempty"`
	Prune                  bool     `json:"prune,omitempty"`
}

// FleetProgress is reported after each database of a fleet.
type FleetProgress struct {
	Total      int64    `json:"total"`
	Done       int64    `json:"done"`
	Failed     int64    `json:"failed"`
	Running    int64    `json:"running"`
	Pending    int64    `json:"pending"`
	ETASeconds *float64 `json:"eta_seconds"`
	Waiting    *string  `json:"waiting"`
}

// FleetOutcome is what a fleet run did.
type FleetOutcome struct {
	FleetName    string          `json:"fleet_name"`
	FleetRunID   string          `json:"fleet_run_id"`
	WorkDir      string          `json:"work_dir"`
	ControlPlane string          `json:"control_plane"`
	Total        int64           `json:"total"`
	Done         int64           `json:"done"`
	Failed       int64           `json:"failed"`
	AssessedHere int64           `json:"assessed_here"`
	AlreadyDone  int64           `json:"already_done"`
	Interrupted  bool            `json:"interrupted"`
	DurationMS   uint64          `json:"duration_ms"`
	Failures     json.RawMessage `json:"failures"`
	NextStep     string          `json:"next_step"`
}

// RankRequest narrows Rank.
type RankRequest struct {
	Fleet       string   `json:"fleet,omitempty"`
	Labels      []string `json:"labels,omitempty"`
	Host        string   `json:"host,omitempty"`
	Complexity  string   `json:"complexity,omitempty"`
	Status      string   `json:"status,omitempty"`
	WeightsFile string   `json:"weights_file,omitempty"`
}

// RankedRow is one database of a ranking, first to migrate first.
type RankedRow struct {
	Rank           int               `json:"rank"`
	Wave           *int              `json:"wave"`
	Score          *float64          `json:"score"`
	MigrationUUID  string            `json:"migration_uuid"`
	Database       string            `json:"database"`
	Host           string            `json:"host"`
	Port           int               `json:"port"`
	Status         string            `json:"status"`
	Complexity     *string           `json:"complexity"`
	Level1         int               `json:"level1"`
	Level2         int               `json:"level2"`
	Level3         int               `json:"level3"`
	TotalSizeBytes int64             `json:"total_size_bytes"`
	EffortHours    float64           `json:"effort_hours"`
	Labels         map[string]string `json:"labels"`
	Group          *int              `json:"group"`
	GroupSize      int               `json:"group_size"`
	Why            string            `json:"why"`
	Error          *string           `json:"error"`
	Identity       string            `json:"identity,omitempty"`
	Origin         string            `json:"origin,omitempty"`
	Fleets         []string          `json:"fleets,omitempty"`
}
