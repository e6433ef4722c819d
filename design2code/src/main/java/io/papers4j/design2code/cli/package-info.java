/** The {@code papers4j design2code} commands and the Design2Code benchmark. */
package io.papers4j.design2code.cli;
