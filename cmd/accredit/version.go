package main

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// version may be set at build time (-ldflags "-X main.version=v1.2.0");
// without it, the module version and the VCS stamp Go embeds are used.
var version = ""

// stamp is what a build knows of its origin.
type stamp struct {
	Version  string // a release version, or "devel"
	Commit   string // vcs.revision
	Time     string // vcs.time: the commit's time
	Modified bool   // vcs.modified: built from a tree with uncommitted changes
	Go       string
}

// stampOf reads the build information Go embeds (go build in a git
// checkout records the commit; -buildvcs=false or a source archive does
// not).
func stampOf(info *debug.BuildInfo, ok bool) stamp {
	s := stamp{Version: version, Go: runtime.Version()}
	if ok {
		if info.GoVersion != "" {
			s.Go = info.GoVersion
		}
		if v := info.Main.Version; s.Version == "" && v != "" && v != "(devel)" {
			s.Version = v
		}
		for _, kv := range info.Settings {
			switch kv.Key {
			case "vcs.revision":
				s.Commit = kv.Value
			case "vcs.time":
				s.Time = kv.Value
			case "vcs.modified":
				s.Modified = kv.Value == "true"
			}
		}
	}
	if s.Version == "" {
		s.Version = "devel"
	}
	return s
}

// String is the one line `accredit version` prints, e.g.
// "accredit devel (commit 745165d1a2b3 of 2030-06-01T10:00:00Z; go1.26.8)".
func (s stamp) String() string {
	origin := "no commit recorded: built outside a git checkout or with -buildvcs=false"
	if s.Commit != "" {
		origin = "commit " + s.Commit[:min(12, len(s.Commit))]
		if s.Time != "" {
			origin += " of " + s.Time
		}
		if s.Modified {
			origin += ", with uncommitted changes"
		}
	}
	return "accredit " + s.Version + " (" + strings.Join([]string{origin, s.Go}, "; ") + ")"
}

// Short is the version for logs: the release, or the commit.
func (s stamp) Short() string {
	if s.Version != "devel" || s.Commit == "" {
		return s.Version
	}
	c := s.Commit[:min(12, len(s.Commit))]
	if s.Modified {
		c += "+modified"
	}
	return c
}
