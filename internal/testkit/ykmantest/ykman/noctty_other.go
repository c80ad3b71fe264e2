//go:build !unix

package main

const noctty = 0
