//go:build race

package api

// cpuMargin widens CPU bounds under the race detector, which slows code
// five to twenty times.
const cpuMargin = 20

const raceEnabled = true
