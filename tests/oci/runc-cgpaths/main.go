// SPDX-License-Identifier: MIT
//
// runc-cgpaths: where runc's systemd cgroup driver puts a container's
// groups, computed by runc's own code (Debian's runc 1.1.5 sources,
// golang-github-opencontainers-runc-dev, the version of Debian's runc
// binary) without systemd: runc itself refuses --systemd-cgroup on a
// host that systemd did not boot, so tests/oci/17-systemd-cgroup.t asks
// runc's code instead. Built by tools/runc-cgpaths.sh.
//
//	runc-cgpaths ID [CGROUPSPATH]
//
// prints "HIERARCHY PATH" lines, sorted, the cgroup v2 hierarchy's
// named "unified" (runc's "": a hybrid host's, or a v2 host's alone), or
// "error: ..." and exits 1, where runc's create would fail.
package main

import (
	"fmt"
	"os"
	"sort"

	"github.com/opencontainers/runc/libcontainer/cgroups"
	"github.com/opencontainers/runc/libcontainer/cgroups/systemd"
	"github.com/opencontainers/runc/libcontainer/specconv"
	"github.com/opencontainers/runtime-spec/specs-go"
)

func fail(err error) {
	fmt.Printf("error: %v\n", err)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: runc-cgpaths ID [CGROUPSPATH]")
		os.Exit(2)
	}
	spec := &specs.Spec{Linux: &specs.Linux{}}
	if len(os.Args) == 3 {
		spec.Linux.CgroupsPath = os.Args[2]
	}
	// what runc create does with the spec and --systemd-cgroup
	cg, err := specconv.CreateCgroupConfig(&specconv.CreateOpts{
		CgroupName: os.Args[1], UseSystemdCgroup: true, Spec: spec}, nil)
	if err != nil {
		fail(err)
	}
	if cgroups.IsCgroup2UnifiedMode() {
		m, err := systemd.NewUnifiedManager(cg, "")
		if err != nil {
			fail(err)
		}
		fmt.Printf("unified %s\n", m.Path(""))
		return
	}
	m, err := systemd.NewLegacyManager(cg, nil)
	if err != nil {
		fail(err)
	}
	paths := m.GetPaths()
	names := make([]string, 0, len(paths))
	for name := range paths {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "" {
			fmt.Printf("unified %s\n", paths[name])
		} else {
			fmt.Printf("%s %s\n", name, paths[name])
		}
	}
}
