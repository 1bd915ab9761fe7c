package sif.model.train;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** The command line a report records, so that its *Reproduce* section gives the command that made it. */
final class ShellCommand {

    private ShellCommand() {
    }

    /**
     * {@code ./sif <name>} and the command's own arguments. Picocli's {@code originalArgs()} is the whole
     * command line, so under the launcher ({@code sif train ...}) it starts with the parent's arguments and
     * the subcommand's name; {@code expandedArgs()} holds the arguments that followed the subcommand name
     * (@-files expanded).
     */
    static String of(String name, CommandSpec spec) {
        StringBuilder cmd = new StringBuilder("./sif ").append(name);
        List<String> args = spec == null || spec.commandLine().getParseResult() == null ? List.of()
                : spec.commandLine().getParseResult().expandedArgs();
        args.forEach(a -> cmd.append(' ').append(quote(a)));
        return cmd.toString();
    }

    /** {@code arg} as a shell word: as it is when it holds no special characters, single-quoted otherwise. */
    static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_./=:,@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
