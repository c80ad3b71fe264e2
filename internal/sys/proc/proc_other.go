//go:build !linux && !darwin

package proc

func parentName() string { return "" }
