package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestCommandLineMistakes: every command refuses what it does not know,
// naming it, before it touches the database; --help prints the command's
// own usage and succeeds.
func TestCommandLineMistakes(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // in the error
	}{
		{[]string{"bogus"}, `unknown command "bogus"; "accredit help" lists the commands`},
		{[]string{"migrate", "foo"}, `migrate: unexpected argument "foo"`},
		{[]string{"migrate", "status", "extra"}, `migrate: unexpected argument "extra"`},
		{[]string{"serve", "extra"}, `serve: unexpected argument "extra"`},
		{[]string{"version", "extra"}, `version: unexpected argument "extra"`},
		{[]string{"token"}, "token: say create, list or revoke"},
		{[]string{"token", "mint"}, `unknown token command "mint"`},
		{[]string{"token", "create", "--name", "x", "--role", "delegation", "--delegation", "AUT", "extra"},
			`token create: unexpected argument "extra"`},
		{[]string{"token", "create", "--name", "x", "--role", "admin"}, `token create: unknown role "admin": use secretariat, delegation or security`},
		{[]string{"token", "create", "--role", "security"}, "token create: --name is required"},
		{[]string{"token", "create", "--name", "x"}, "token create: --role is required: secretariat, delegation or security"},
		{[]string{"token", "create", "--name", "x", "--role", "security", "--expires", "soon"}, `--expires "soon"`},
		{[]string{"token", "create", "--nmae", "x"}, "token create: flag provided but not defined: -nmae"},
		{[]string{"token", "list", "extra"}, `token list: unexpected argument "extra"`},
		{[]string{"token", "revoke"}, "token revoke: give exactly one token id"},
		{[]string{"token", "revoke", "a", "b"}, "token revoke: give exactly one token id"},
		{[]string{"purge"}, "purge: --event is required"},
		{[]string{"purge", "--event", "X", "extra"}, `purge: unexpected argument "extra"`},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			dir := t.TempDir()
			out, stderr, err := runCmd(t, map[string]string{"ACCREDIT_DATA_DIR": dir}, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") || out != "" || stderr != "" {
				t.Errorf("want one line of error and nothing else; got stdout %q, stderr %q, error %q", out, stderr, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "accredit.db")); err == nil {
				t.Errorf("the database was opened (and migrated) for a refused command line")
			}
		})
	}
}

// TestCommandHelp: each command's --help prints its usage to stdout and
// succeeds, without a database or a valid configuration.
func TestCommandHelp(t *testing.T) {
	badEnv := map[string]string{"ACCREDIT_ADMIN_TOKEN": "short", "ACCREDIT_DATA_DIR": t.TempDir()}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"token", "create", "--help"}, "usage: accredit token create --name NAME --role ROLE"},
		{[]string{"token", "create", "-h"}, "--role"},
		{[]string{"token", "--help"}, "accredit token revoke ID"},
		{[]string{"token", "revoke", "--help"}, "usage: accredit token revoke ID"},
		{[]string{"token", "list", "--help"}, "usage: accredit token list"},
		{[]string{"purge", "--help"}, "usage: accredit purge --event CODE [--force]"},
		{[]string{"migrate", "--help"}, "accredit migrate status"},
		{[]string{"serve", "--help"}, "usage: accredit serve"},
		{[]string{"version", "--help"}, "usage: accredit version"},
		{[]string{"--help"}, "accredit token create"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, stderr, err := runCmd(t, badEnv, c.args...)
			if err != nil || !strings.Contains(out, c.want) || stderr != "" {
				t.Fatalf("stdout %q, stderr %q, error %v; want %q on stdout and success", out, stderr, err, c.want)
			}
		})
	}
}

// TestTokenCreateExtraArgumentCreatesNothing: a refused command line
// leaves no token behind.
func TestTokenCreateExtraArgumentCreatesNothing(t *testing.T) {
	env := map[string]string{"ACCREDIT_DATA_DIR": t.TempDir()}
	if _, _, err := runCmd(t, env, "token", "create", "--name", "stray", "--role", "security", "extra"); err == nil {
		t.Fatal("token create with an extra argument succeeded")
	}
	list, _, err := runCmd(t, env, "token", "list")
	if err != nil || strings.Contains(list, "stray") {
		t.Fatalf("token list after the refusal: %q %v", list, err)
	}
}

// TestVersionStamp: version names the release or "devel", the commit, its
// time and uncommitted changes from the build information Go embeds, and
// says when there is none.
func TestVersionStamp(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/osce/accredit", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "745165d1a2b3c4d5e6f708192a3b4c5d6e7f8091"},
			{Key: "vcs.time", Value: "2030-06-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, c := range []struct {
		name      string
		info      *debug.BuildInfo
		ok        bool
		want      string
		wantShort string
	}{
		{"checkout", info, true, "accredit devel (commit 745165d1a2b3 of 2030-06-01T10:00:00Z, with uncommitted changes; go1.26.8)", "745165d1a2b3+modified"},
		{"release", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}}, true,
			"accredit v1.2.0 (no commit recorded: built outside a git checkout or with -buildvcs=false; go1.26.8)", "v1.2.0"},
		{"no build info", nil, false, "accredit devel (no commit recorded", "devel"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := stampOf(c.info, c.ok)
			if got := s.String(); !strings.HasPrefix(got, c.want) {
				t.Errorf("version %q, want %q", got, c.want)
			}
			if got := s.Short(); got != c.wantShort {
				t.Errorf("short %q, want %q", got, c.wantShort)
			}
		})
	}
	out, _, err := runCmd(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "accredit ") || !strings.Contains(out, "go1.") || strings.Count(out, "\n") != 1 {
		t.Fatalf("accredit version: %q %v", out, err)
	}
}
