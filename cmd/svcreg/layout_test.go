package main

import svchome "github.com/svcreg/svcreg/registry/home"

// The names of a home's files, for tests that damage or inspect a home
// (registry/home.Layout is the one place the program spells them).
const (
	keyFile    = svchome.KeyFile
	blocksDir  = svchome.BlocksDir
	indexFile  = svchome.IndexFile
	configFile = svchome.ConfigFile
)
