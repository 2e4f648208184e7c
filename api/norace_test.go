//go:build !race

package api

// cpuMargin widens CPU bounds for a slow or shared machine.
const cpuMargin = 3

const raceEnabled = false
