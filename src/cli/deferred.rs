//! Arguments and subcommand groups that clap builds only when the command
//! line names them. Every rpod invocation parses its arguments, and
//! building the definitions of `run`/`create` (used four times over) and
//! of the `container`, `image` and `volume` groups cost more than the
//! parse itself.

use clap::builder::Resettable;
use clap::{ArgMatches, Args, Command, Error, FromArgMatches, Subcommand};

/// `T`'s arguments (or subcommands), defined when its command is used.
/// Only for a subcommand's own type: it takes the command's one deferred
/// definition and keeps its description, so it is never flattened.
#[derive(Debug)]
pub struct Deferred<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, Error> {
        T::from_arg_matches(matches).map(Self)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, Error> {
        T::from_arg_matches_mut(matches).map(Self)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }

    fn augment_args(command: Command) -> Command {
        command.defer(|command| keep_about(command, T::augment_args))
    }

    fn augment_args_for_update(command: Command) -> Command {
        command.defer(|command| keep_about(command, T::augment_args_for_update))
    }
}

impl<T: Subcommand> Subcommand for Deferred<T> {
    fn augment_subcommands(command: Command) -> Command {
        command.defer(|command| keep_about(command, T::augment_subcommands))
    }

    fn augment_subcommands_for_update(command: Command) -> Command {
        command.defer(|command| keep_about(command, T::augment_subcommands_for_update))
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

/// Applies `augment` as if it had run first: the subcommand's own
/// description (the doc comment on its variant) was set after it, and
/// stays over the one of the arguments' type.
fn keep_about(command: Command, augment: fn(Command) -> Command) -> Command {
    let about = command.get_about().cloned();
    let long_about = command.get_long_about().cloned();
    augment(command)
        .about(Resettable::from(about))
        .long_about(Resettable::from(long_about))
}

#[cfg(test)]
mod tests {
    use super::Deferred;
    use crate::cli::{Cli, Command, ContainerCommand};
    use clap::{CommandFactory, Parser};

    #[test]
    fn the_whole_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn deferred_commands_keep_their_description_and_parse() {
        let mut command = Cli::command();
        command.build();
        let about = |name: &str| {
            let sub = command.find_subcommand(name).unwrap();
            sub.get_about().unwrap().to_string()
        };
        assert_eq!(about("run"), "Run a command in a new container");
        assert_eq!(about("container"), "Manage containers");

        let cli = Cli::try_parse_from(["rpod", "container", "run", "--rm", "img", "true"]).unwrap();
        let Command::Container(Deferred(ContainerCommand::Run(args))) = cli.command else {
            panic!("parsed as {:?}", cli.command);
        };
        assert!(args.container.rm);
        assert!(Cli::try_parse_from(["rpod", "run", "--no-such-flag", "img"]).is_err());
    }
}
