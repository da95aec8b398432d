"""The deep network every network lesson builds: NetworkSettings, its bounded widgets and its work budget."""
