/** The picocli command line: one thin command per subcommand, shared option mixins, exit codes, errors. */
package dev.dlp.cli;
