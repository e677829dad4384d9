// The unit that builds tests/CMakeLists.txt's shared precompiled header (ms_test_pch); every test
// executable reuses that header, so this file needs nothing of its own.
