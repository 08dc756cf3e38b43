# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_rpod_global_optspecs
    string join \n root= runroot= storage-driver= h/help V/version
end

function __fish_rpod_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_rpod_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_rpod_using_subcommand
    set -l cmd (__fish_rpod_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c rpod -n "__fish_rpod_needs_command" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_needs_command" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_needs_command" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_needs_command" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "run" -d 'Run a command in a new container'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "create" -d 'Create a new container'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "start" -d 'Start one or more stopped containers'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "stop" -d 'Stop one or more running containers'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "restart" -d 'Restart one or more containers'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "kill" -d 'Send a signal to one or more running containers'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "wait" -d 'Block until containers stop, then print their exit codes'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "logs" -d 'Fetch the logs of a container'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "exec" -d 'Run a command in a running container'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "attach" -d 'Attach this terminal to a running container'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "cp" -d 'Copy files between a container and the host'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "ps" -d 'List containers'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "rm" -d 'Remove one or more containers'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "rename" -d 'Rename a container'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "top" -d 'Display the running processes of a container'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "port" -d 'List the port mappings of a container'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "pause" -d 'Pause all processes within one or more containers'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "unpause" -d 'Unpause all processes within one or more containers'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "container" -d 'Manage containers'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "volume" -d 'Manage volumes'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "pull" -d 'Download an image from a registry'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "images" -d 'List images'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "image-ls" -d 'List images'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "image" -d 'Manage images'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "tag" -d 'Create a tag TARGET that refers to SOURCE'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "rmi" -d 'Remove one or more images'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "history" -d 'Show the history of an image'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "inspect" -d 'Display detailed information on images'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "import" -d 'Import a root filesystem tarball as an image'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "login" -d 'Log in to a registry'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "logout" -d 'Log out from a registry'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "info" -d 'Display system-wide information'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "version" -d 'Show the rpod version information'
complete -c rpod -n "__fish_rpod_needs_command" -f -a "unshare" -d 'Run a command inside rpod\'s user namespace'
complete -c rpod -n "__fish_rpod_using_subcommand run" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand run" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand run" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand run" -l sig-proxy -d 'Pass received signals on to the container (not with -t)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand run" -l detach-keys -d 'Key sequence that detaches from the container (default ctrl-p,ctrl-q)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l name -d 'Assign a name to the container' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -s e -l env -d 'Set environment variables (NAME=VALUE, or NAME to pass the host\'s value)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l env-file -d 'Read environment variables from a file (one NAME=VALUE per line)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand run" -s l -l label -d 'Set metadata on the container (KEY=VALUE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l entrypoint -d 'Overwrite the default entrypoint of the image (\'\' for none)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -s u -l user -d 'User to run as (name|uid[:group|gid])' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -s h -l hostname -d 'Container host name' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l cap-add -d 'Add Linux capabilities (or ALL)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l cap-drop -d 'Drop Linux capabilities (or ALL)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l security-opt -d 'Security options: no-new-privileges, seccomp=unconfined|PROFILE.json' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l network -l net -d 'Network: slirp4netns[:OPTIONS] (the default), pasta[:OPTIONS], none, host, container:NAME or ns:PATH' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -s p -l publish -d 'Publish a container\'s port on the host ([[IP:][HOST-PORT]:]CONTAINER-PORT[/tcp|udp], ranges allowed)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l expose -d 'Expose a port or a range of ports (PORT[-LAST][/tcp|udp])' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l dns -d 'Set a DNS server' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l dns-search -d 'Set a DNS search domain' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l dns-option -l dns-opt -d 'Set a DNS resolver option' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l add-host -d 'Add a line to /etc/hosts (NAME:ADDRESS, or NAME:host-gateway)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l domainname -d 'Container NIS domain name' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l stop-signal -d 'Signal to stop the container (default: the image\'s, or SIGTERM)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l stop-timeout -d 'Seconds to wait for the stop signal before killing (default 10)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l log-opt -d 'Log options: max-size=SIZE (rotate the log past SIZE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l restart -d 'Restart policy: no, on-failure[:MAX-RETRIES], always or unless-stopped' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -s v -l volume -d 'Bind-mount a host path or mount a volume ([HOST-PATH|VOLUME:]CONTAINER-PATH[:ro|rw,z,Z,U,nocopy])' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l mount -d 'Attach a mount: type=bind|volume,source=…,target=PATH[,readonly] or type=tmpfs,target=PATH[,tmpfs-size=SIZE][,tmpfs-mode=MODE]' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l volumes-from -d 'Mount the volumes and binds of another container (CONTAINER[:ro|rw])' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l tmpfs -d 'Mount a tmpfs (PATH[:OPTIONS], e.g. /run:size=64m,mode=1777)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l shm-size -d 'Size of /dev/shm (default 64m)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l ulimit -d 'Set a resource limit (NAME=SOFT[:HARD], -1 for unlimited)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l userns -d 'User namespace: host (rpod\'s own, the default) or keep-id[:uid=N,gid=N] (your uid and gid keep their values inside)' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l pull -d 'Pull the image before running: missing, always or never' -r -f -a "missing\t''
always\t''
never\t''"
complete -c rpod -n "__fish_rpod_using_subcommand run" -l platform -d 'Platform of the image to pull (os/arch[/variant])' -r
complete -c rpod -n "__fish_rpod_using_subcommand run" -l tls-verify -d 'Require HTTPS and verify certificates (false also allows plain HTTP)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand run" -l cert-dir -d 'Directory of certificates (*.crt CAs, *.cert/*.key client pairs)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand run" -s d -l detach -d 'Run the container in the background and print its ID'
complete -c rpod -n "__fish_rpod_using_subcommand run" -l rm -d 'Remove the container when it exits'
complete -c rpod -n "__fish_rpod_using_subcommand run" -s i -l interactive -d 'Keep stdin open (it is passed to the container)'
complete -c rpod -n "__fish_rpod_using_subcommand run" -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c rpod -n "__fish_rpod_using_subcommand run" -l privileged -d 'Give the container every capability and unmasked kernel files'
complete -c rpod -n "__fish_rpod_using_subcommand run" -s P -l publish-all -d 'Publish every exposed port on a random host port'
complete -c rpod -n "__fish_rpod_using_subcommand run" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c rpod -n "__fish_rpod_using_subcommand run" -l read-only -d 'Mount the container\'s root filesystem read-only'
complete -c rpod -n "__fish_rpod_using_subcommand run" -l help -d 'Print help'
complete -c rpod -n "__fish_rpod_using_subcommand run" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand create" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand create" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand create" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand create" -l name -d 'Assign a name to the container' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -s e -l env -d 'Set environment variables (NAME=VALUE, or NAME to pass the host\'s value)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l env-file -d 'Read environment variables from a file (one NAME=VALUE per line)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand create" -s l -l label -d 'Set metadata on the container (KEY=VALUE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l entrypoint -d 'Overwrite the default entrypoint of the image (\'\' for none)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -s w -l workdir -d 'Working directory inside the container' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -s u -l user -d 'User to run as (name|uid[:group|gid])' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -s h -l hostname -d 'Container host name' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l cap-add -d 'Add Linux capabilities (or ALL)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l cap-drop -d 'Drop Linux capabilities (or ALL)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l security-opt -d 'Security options: no-new-privileges, seccomp=unconfined|PROFILE.json' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l network -l net -d 'Network: slirp4netns[:OPTIONS] (the default), pasta[:OPTIONS], none, host, container:NAME or ns:PATH' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -s p -l publish -d 'Publish a container\'s port on the host ([[IP:][HOST-PORT]:]CONTAINER-PORT[/tcp|udp], ranges allowed)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l expose -d 'Expose a port or a range of ports (PORT[-LAST][/tcp|udp])' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l dns -d 'Set a DNS server' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l dns-search -d 'Set a DNS search domain' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l dns-option -l dns-opt -d 'Set a DNS resolver option' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l add-host -d 'Add a line to /etc/hosts (NAME:ADDRESS, or NAME:host-gateway)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l domainname -d 'Container NIS domain name' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l stop-signal -d 'Signal to stop the container (default: the image\'s, or SIGTERM)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l stop-timeout -d 'Seconds to wait for the stop signal before killing (default 10)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l log-opt -d 'Log options: max-size=SIZE (rotate the log past SIZE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l restart -d 'Restart policy: no, on-failure[:MAX-RETRIES], always or unless-stopped' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -s v -l volume -d 'Bind-mount a host path or mount a volume ([HOST-PATH|VOLUME:]CONTAINER-PATH[:ro|rw,z,Z,U,nocopy])' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l mount -d 'Attach a mount: type=bind|volume,source=…,target=PATH[,readonly] or type=tmpfs,target=PATH[,tmpfs-size=SIZE][,tmpfs-mode=MODE]' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l volumes-from -d 'Mount the volumes and binds of another container (CONTAINER[:ro|rw])' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l tmpfs -d 'Mount a tmpfs (PATH[:OPTIONS], e.g. /run:size=64m,mode=1777)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l shm-size -d 'Size of /dev/shm (default 64m)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l ulimit -d 'Set a resource limit (NAME=SOFT[:HARD], -1 for unlimited)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l userns -d 'User namespace: host (rpod\'s own, the default) or keep-id[:uid=N,gid=N] (your uid and gid keep their values inside)' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l pull -d 'Pull the image before running: missing, always or never' -r -f -a "missing\t''
always\t''
never\t''"
complete -c rpod -n "__fish_rpod_using_subcommand create" -l platform -d 'Platform of the image to pull (os/arch[/variant])' -r
complete -c rpod -n "__fish_rpod_using_subcommand create" -l tls-verify -d 'Require HTTPS and verify certificates (false also allows plain HTTP)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand create" -l cert-dir -d 'Directory of certificates (*.crt CAs, *.cert/*.key client pairs)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand create" -l rm -d 'Remove the container when it exits'
complete -c rpod -n "__fish_rpod_using_subcommand create" -s i -l interactive -d 'Keep stdin open (it is passed to the container)'
complete -c rpod -n "__fish_rpod_using_subcommand create" -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c rpod -n "__fish_rpod_using_subcommand create" -l privileged -d 'Give the container every capability and unmasked kernel files'
complete -c rpod -n "__fish_rpod_using_subcommand create" -s P -l publish-all -d 'Publish every exposed port on a random host port'
complete -c rpod -n "__fish_rpod_using_subcommand create" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c rpod -n "__fish_rpod_using_subcommand create" -l read-only -d 'Mount the container\'s root filesystem read-only'
complete -c rpod -n "__fish_rpod_using_subcommand create" -l help -d 'Print help'
complete -c rpod -n "__fish_rpod_using_subcommand create" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand start" -l detach-keys -d 'Key sequence that detaches from the container (default ctrl-p,ctrl-q)' -r
complete -c rpod -n "__fish_rpod_using_subcommand start" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand start" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand start" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand start" -s a -l attach -d 'Attach to the container\'s output (and input with -i)'
complete -c rpod -n "__fish_rpod_using_subcommand start" -s i -l interactive -d 'Attach the container\'s standard input'
complete -c rpod -n "__fish_rpod_using_subcommand start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand start" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand stop" -s t -l time -d 'Seconds to wait for the stop signal before killing (default: the container\'s --stop-timeout, or 10)' -r
complete -c rpod -n "__fish_rpod_using_subcommand stop" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand stop" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand stop" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand stop" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand restart" -s t -l time -d 'Seconds to wait for the stop signal before killing' -r
complete -c rpod -n "__fish_rpod_using_subcommand restart" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand restart" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand restart" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand restart" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand kill" -s s -l signal -d 'Signal to send (name or number)' -r
complete -c rpod -n "__fish_rpod_using_subcommand kill" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand kill" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand kill" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand kill" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand kill" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand wait" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand wait" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand wait" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand wait" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand logs" -s n -l tail -d 'Number of lines to show from the end ("all" for every line)' -r
complete -c rpod -n "__fish_rpod_using_subcommand logs" -l since -d 'Show logs since a time (RFC 3339, Unix seconds, or a duration such as 10m)' -r
complete -c rpod -n "__fish_rpod_using_subcommand logs" -l until -d 'Show logs before a time (RFC 3339, Unix seconds, or a duration such as 10m)' -r
complete -c rpod -n "__fish_rpod_using_subcommand logs" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand logs" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand logs" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand logs" -s f -l follow -d 'Follow the log output while the container runs'
complete -c rpod -n "__fish_rpod_using_subcommand logs" -s t -l timestamps -d 'Show a timestamp before each line'
complete -c rpod -n "__fish_rpod_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand logs" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand exec" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand exec" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand exec" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand exec" -l detach-keys -d 'Key sequence that detaches from the command (default ctrl-p,ctrl-q)' -r
complete -c rpod -n "__fish_rpod_using_subcommand exec" -s e -l env -d 'Set environment variables (NAME=VALUE, or NAME to pass this one\'s value)' -r
complete -c rpod -n "__fish_rpod_using_subcommand exec" -l env-file -d 'Read environment variables from a file (one NAME=VALUE per line)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand exec" -s u -l user -d 'User to run as (name|uid[:group|gid])' -r
complete -c rpod -n "__fish_rpod_using_subcommand exec" -s w -l workdir -d 'Working directory inside the container' -r
complete -c rpod -n "__fish_rpod_using_subcommand exec" -s d -l detach -d 'Detached mode: run the command in the background'
complete -c rpod -n "__fish_rpod_using_subcommand exec" -s i -l interactive -d 'Keep stdin open (it is passed to the command)'
complete -c rpod -n "__fish_rpod_using_subcommand exec" -l privileged -d 'Give extended privileges to the command (every capability)'
complete -c rpod -n "__fish_rpod_using_subcommand exec" -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c rpod -n "__fish_rpod_using_subcommand exec" -l help -d 'Print help'
complete -c rpod -n "__fish_rpod_using_subcommand exec" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand attach" -l detach-keys -d 'Key sequence that detaches from the container (default ctrl-p,ctrl-q)' -r
complete -c rpod -n "__fish_rpod_using_subcommand attach" -l sig-proxy -d 'Pass received signals on to the container (not with a terminal)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand attach" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand attach" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand attach" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand attach" -l no-stdin -d 'Do not attach standard input'
complete -c rpod -n "__fish_rpod_using_subcommand attach" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand attach" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand cp" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand cp" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand cp" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand cp" -s a -l archive -d 'Archive mode: copied files keep their uid and gid (otherwise files copied into a container belong to its root)'
complete -c rpod -n "__fish_rpod_using_subcommand cp" -s L -l follow-link -d 'Always follow a symbolic link in SRC_PATH'
complete -c rpod -n "__fish_rpod_using_subcommand cp" -s q -l quiet -d 'Print no summary (it is printed only when stderr is a terminal)'
complete -c rpod -n "__fish_rpod_using_subcommand cp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand cp" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand ps" -s n -l last -d 'Show the N most recently created containers (all states)' -r
complete -c rpod -n "__fish_rpod_using_subcommand ps" -s f -l filter -d 'Filter output (status=, name=, id=, ancestor=, label=KEY[=VALUE], exited=CODE, publish=PORT[/PROTO], expose=PORT[/PROTO], volume=NAME|PATH)' -r
complete -c rpod -n "__fish_rpod_using_subcommand ps" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand ps" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand ps" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand ps" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand ps" -s a -l all -d 'Show all containers (default shows just running)'
complete -c rpod -n "__fish_rpod_using_subcommand ps" -s q -l quiet -d 'Only display container IDs'
complete -c rpod -n "__fish_rpod_using_subcommand ps" -l no-trunc -d 'Don\'t truncate output'
complete -c rpod -n "__fish_rpod_using_subcommand ps" -s l -l latest -d 'Show the latest created container (all states)'
complete -c rpod -n "__fish_rpod_using_subcommand ps" -s s -l size -d 'Display total file sizes'
complete -c rpod -n "__fish_rpod_using_subcommand ps" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand ps" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand rm" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand rm" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand rm" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand rm" -s f -l force -d 'Force the removal of a running container (kills it)'
complete -c rpod -n "__fish_rpod_using_subcommand rm" -s v -l volumes -d 'Remove the anonymous volumes of the containers too'
complete -c rpod -n "__fish_rpod_using_subcommand rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand rm" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand rename" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand rename" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand rename" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand rename" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand rename" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand top" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand top" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand top" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand top" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand top" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand port" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand port" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand port" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand port" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand port" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand pause" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand pause" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand pause" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand pause" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand pause" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand unpause" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand unpause" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand unpause" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand unpause" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand unpause" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "run" -d 'Run a command in a new container'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "create" -d 'Create a new container'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "start" -d 'Start one or more stopped containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "stop" -d 'Stop one or more running containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "restart" -d 'Restart one or more containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "kill" -d 'Send a signal to one or more running containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "wait" -d 'Block until containers stop, then print their exit codes'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "logs" -d 'Fetch the logs of a container'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "exec" -d 'Run a command in a running container'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "attach" -d 'Attach this terminal to a running container'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "cp" -d 'Copy files between a container and the host'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "inspect" -d 'Display detailed information on one or more containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "ls" -d 'List containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "ps" -d 'List containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "list" -d 'List containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "rm" -d 'Remove one or more containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "remove" -d 'Remove one or more containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "rename" -d 'Rename a container'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "top" -d 'Display the running processes of a container'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "port" -d 'List the port mappings of a container'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "pause" -d 'Pause all processes within one or more containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "unpause" -d 'Unpause all processes within one or more containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and not __fish_seen_subcommand_from run create start stop restart kill wait logs exec attach cp inspect ls ps list rm remove rename top port pause unpause prune" -f -a "prune" -d 'Remove all stopped containers'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l sig-proxy -d 'Pass received signals on to the container (not with -t)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l detach-keys -d 'Key sequence that detaches from the container (default ctrl-p,ctrl-q)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l name -d 'Assign a name to the container' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s e -l env -d 'Set environment variables (NAME=VALUE, or NAME to pass the host\'s value)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l env-file -d 'Read environment variables from a file (one NAME=VALUE per line)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s l -l label -d 'Set metadata on the container (KEY=VALUE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l entrypoint -d 'Overwrite the default entrypoint of the image (\'\' for none)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s u -l user -d 'User to run as (name|uid[:group|gid])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s h -l hostname -d 'Container host name' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l cap-add -d 'Add Linux capabilities (or ALL)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l cap-drop -d 'Drop Linux capabilities (or ALL)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l security-opt -d 'Security options: no-new-privileges, seccomp=unconfined|PROFILE.json' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l network -l net -d 'Network: slirp4netns[:OPTIONS] (the default), pasta[:OPTIONS], none, host, container:NAME or ns:PATH' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s p -l publish -d 'Publish a container\'s port on the host ([[IP:][HOST-PORT]:]CONTAINER-PORT[/tcp|udp], ranges allowed)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l expose -d 'Expose a port or a range of ports (PORT[-LAST][/tcp|udp])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l dns -d 'Set a DNS server' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l dns-search -d 'Set a DNS search domain' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l dns-option -l dns-opt -d 'Set a DNS resolver option' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l add-host -d 'Add a line to /etc/hosts (NAME:ADDRESS, or NAME:host-gateway)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l domainname -d 'Container NIS domain name' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l stop-signal -d 'Signal to stop the container (default: the image\'s, or SIGTERM)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l stop-timeout -d 'Seconds to wait for the stop signal before killing (default 10)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l log-opt -d 'Log options: max-size=SIZE (rotate the log past SIZE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l restart -d 'Restart policy: no, on-failure[:MAX-RETRIES], always or unless-stopped' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s v -l volume -d 'Bind-mount a host path or mount a volume ([HOST-PATH|VOLUME:]CONTAINER-PATH[:ro|rw,z,Z,U,nocopy])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l mount -d 'Attach a mount: type=bind|volume,source=…,target=PATH[,readonly] or type=tmpfs,target=PATH[,tmpfs-size=SIZE][,tmpfs-mode=MODE]' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l volumes-from -d 'Mount the volumes and binds of another container (CONTAINER[:ro|rw])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l tmpfs -d 'Mount a tmpfs (PATH[:OPTIONS], e.g. /run:size=64m,mode=1777)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l shm-size -d 'Size of /dev/shm (default 64m)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l ulimit -d 'Set a resource limit (NAME=SOFT[:HARD], -1 for unlimited)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l userns -d 'User namespace: host (rpod\'s own, the default) or keep-id[:uid=N,gid=N] (your uid and gid keep their values inside)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l pull -d 'Pull the image before running: missing, always or never' -r -f -a "missing\t''
always\t''
never\t''"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l platform -d 'Platform of the image to pull (os/arch[/variant])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l tls-verify -d 'Require HTTPS and verify certificates (false also allows plain HTTP)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l cert-dir -d 'Directory of certificates (*.crt CAs, *.cert/*.key client pairs)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s d -l detach -d 'Run the container in the background and print its ID'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l rm -d 'Remove the container when it exits'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s i -l interactive -d 'Keep stdin open (it is passed to the container)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l privileged -d 'Give the container every capability and unmasked kernel files'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s P -l publish-all -d 'Publish every exposed port on a random host port'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l read-only -d 'Mount the container\'s root filesystem read-only'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -l help -d 'Print help'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l name -d 'Assign a name to the container' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s e -l env -d 'Set environment variables (NAME=VALUE, or NAME to pass the host\'s value)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l env-file -d 'Read environment variables from a file (one NAME=VALUE per line)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s l -l label -d 'Set metadata on the container (KEY=VALUE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l entrypoint -d 'Overwrite the default entrypoint of the image (\'\' for none)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s w -l workdir -d 'Working directory inside the container' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s u -l user -d 'User to run as (name|uid[:group|gid])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s h -l hostname -d 'Container host name' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l cap-add -d 'Add Linux capabilities (or ALL)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l cap-drop -d 'Drop Linux capabilities (or ALL)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l security-opt -d 'Security options: no-new-privileges, seccomp=unconfined|PROFILE.json' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l network -l net -d 'Network: slirp4netns[:OPTIONS] (the default), pasta[:OPTIONS], none, host, container:NAME or ns:PATH' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s p -l publish -d 'Publish a container\'s port on the host ([[IP:][HOST-PORT]:]CONTAINER-PORT[/tcp|udp], ranges allowed)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l expose -d 'Expose a port or a range of ports (PORT[-LAST][/tcp|udp])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l dns -d 'Set a DNS server' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l dns-search -d 'Set a DNS search domain' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l dns-option -l dns-opt -d 'Set a DNS resolver option' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l add-host -d 'Add a line to /etc/hosts (NAME:ADDRESS, or NAME:host-gateway)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l domainname -d 'Container NIS domain name' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l stop-signal -d 'Signal to stop the container (default: the image\'s, or SIGTERM)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l stop-timeout -d 'Seconds to wait for the stop signal before killing (default 10)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l log-opt -d 'Log options: max-size=SIZE (rotate the log past SIZE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l restart -d 'Restart policy: no, on-failure[:MAX-RETRIES], always or unless-stopped' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s v -l volume -d 'Bind-mount a host path or mount a volume ([HOST-PATH|VOLUME:]CONTAINER-PATH[:ro|rw,z,Z,U,nocopy])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l mount -d 'Attach a mount: type=bind|volume,source=…,target=PATH[,readonly] or type=tmpfs,target=PATH[,tmpfs-size=SIZE][,tmpfs-mode=MODE]' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l volumes-from -d 'Mount the volumes and binds of another container (CONTAINER[:ro|rw])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l tmpfs -d 'Mount a tmpfs (PATH[:OPTIONS], e.g. /run:size=64m,mode=1777)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l shm-size -d 'Size of /dev/shm (default 64m)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l ulimit -d 'Set a resource limit (NAME=SOFT[:HARD], -1 for unlimited)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l userns -d 'User namespace: host (rpod\'s own, the default) or keep-id[:uid=N,gid=N] (your uid and gid keep their values inside)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l pull -d 'Pull the image before running: missing, always or never' -r -f -a "missing\t''
always\t''
never\t''"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l platform -d 'Platform of the image to pull (os/arch[/variant])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l tls-verify -d 'Require HTTPS and verify certificates (false also allows plain HTTP)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l cert-dir -d 'Directory of certificates (*.crt CAs, *.cert/*.key client pairs)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l rm -d 'Remove the container when it exits'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s i -l interactive -d 'Keep stdin open (it is passed to the container)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l privileged -d 'Give the container every capability and unmasked kernel files'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s P -l publish-all -d 'Publish every exposed port on a random host port'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l init -d 'Run an init inside the container that forwards signals and reaps processes'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l read-only -d 'Mount the container\'s root filesystem read-only'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -l help -d 'Print help'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from start" -l detach-keys -d 'Key sequence that detaches from the container (default ctrl-p,ctrl-q)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from start" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from start" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from start" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from start" -s a -l attach -d 'Attach to the container\'s output (and input with -i)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from start" -s i -l interactive -d 'Attach the container\'s standard input'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from start" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from stop" -s t -l time -d 'Seconds to wait for the stop signal before killing (default: the container\'s --stop-timeout, or 10)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from stop" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from stop" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from stop" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from restart" -s t -l time -d 'Seconds to wait for the stop signal before killing' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from restart" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from restart" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from restart" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from restart" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from kill" -s s -l signal -d 'Signal to send (name or number)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from kill" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from kill" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from kill" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from kill" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from wait" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from wait" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from wait" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from wait" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from logs" -s n -l tail -d 'Number of lines to show from the end ("all" for every line)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from logs" -l since -d 'Show logs since a time (RFC 3339, Unix seconds, or a duration such as 10m)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from logs" -l until -d 'Show logs before a time (RFC 3339, Unix seconds, or a duration such as 10m)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from logs" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from logs" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from logs" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Follow the log output while the container runs'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from logs" -s t -l timestamps -d 'Show a timestamp before each line'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from logs" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -l detach-keys -d 'Key sequence that detaches from the command (default ctrl-p,ctrl-q)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -s e -l env -d 'Set environment variables (NAME=VALUE, or NAME to pass this one\'s value)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -l env-file -d 'Read environment variables from a file (one NAME=VALUE per line)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -s u -l user -d 'User to run as (name|uid[:group|gid])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -s w -l workdir -d 'Working directory inside the container' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -s d -l detach -d 'Detached mode: run the command in the background'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -s i -l interactive -d 'Keep stdin open (it is passed to the command)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -l privileged -d 'Give extended privileges to the command (every capability)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -l help -d 'Print help'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from exec" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from attach" -l detach-keys -d 'Key sequence that detaches from the container (default ctrl-p,ctrl-q)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from attach" -l sig-proxy -d 'Pass received signals on to the container (not with a terminal)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from attach" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from attach" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from attach" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from attach" -l no-stdin -d 'Do not attach standard input'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from attach" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from attach" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from cp" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from cp" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from cp" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from cp" -s a -l archive -d 'Archive mode: copied files keep their uid and gid (otherwise files copied into a container belong to its root)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from cp" -s L -l follow-link -d 'Always follow a symbolic link in SRC_PATH'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from cp" -s q -l quiet -d 'Print no summary (it is printed only when stderr is a terminal)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from cp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from cp" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format the output with a Go template' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from inspect" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from inspect" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from inspect" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -s n -l last -d 'Show the N most recently created containers (all states)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output (status=, name=, id=, ancestor=, label=KEY[=VALUE], exited=CODE, publish=PORT[/PROTO], expose=PORT[/PROTO], volume=NAME|PATH)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all containers (default shows just running)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display container IDs'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Don\'t truncate output'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -s l -l latest -d 'Show the latest created container (all states)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -s s -l size -d 'Display total file sizes'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -s n -l last -d 'Show the N most recently created containers (all states)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -s f -l filter -d 'Filter output (status=, name=, id=, ancestor=, label=KEY[=VALUE], exited=CODE, publish=PORT[/PROTO], expose=PORT[/PROTO], volume=NAME|PATH)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -s a -l all -d 'Show all containers (default shows just running)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -s q -l quiet -d 'Only display container IDs'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -l no-trunc -d 'Don\'t truncate output'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -s l -l latest -d 'Show the latest created container (all states)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -s s -l size -d 'Display total file sizes'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from ps" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -s n -l last -d 'Show the N most recently created containers (all states)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter output (status=, name=, id=, ancestor=, label=KEY[=VALUE], exited=CODE, publish=PORT[/PROTO], expose=PORT[/PROTO], volume=NAME|PATH)' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -s a -l all -d 'Show all containers (default shows just running)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only display container IDs'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -l no-trunc -d 'Don\'t truncate output'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -s l -l latest -d 'Show the latest created container (all states)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -s s -l size -d 'Display total file sizes'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rm" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rm" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rm" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rm" -s f -l force -d 'Force the removal of a running container (kills it)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rm" -s v -l volumes -d 'Remove the anonymous volumes of the containers too'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from remove" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from remove" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from remove" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from remove" -s f -l force -d 'Force the removal of a running container (kills it)'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from remove" -s v -l volumes -d 'Remove the anonymous volumes of the containers too'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rename" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rename" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rename" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from rename" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from top" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from top" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from top" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from top" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from port" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from port" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from port" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from port" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from port" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from pause" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from pause" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from pause" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from unpause" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from unpause" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from unpause" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from unpause" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from unpause" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from prune" -l filter -d 'Only some containers (until=TIME, label=KEY[=VALUE], label!=KEY[=VALUE])' -r
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from prune" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from prune" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from prune" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand container; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "create" -d 'Create a volume'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "ls" -d 'List volumes'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "list" -d 'List volumes'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "inspect" -d 'Display detailed information on one or more volumes'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "rm" -d 'Remove one or more volumes'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "remove" -d 'Remove one or more volumes'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "prune" -d 'Remove unused volumes'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from create" -s d -l driver -d 'Volume driver (only local)' -r
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from create" -l label -d 'Set metadata on the volume (KEY=VALUE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from create" -s o -l opt -d 'Driver options (o=uid=UID,gid=GID)' -r
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from create" -l name -d 'Volume name' -r
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from create" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from create" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from create" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output (dangling=BOOL, driver=local, label=KEY[=VALUE], name=TEXT)' -r
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from ls" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from ls" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from ls" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from ls" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only show volume names'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter output (dangling=BOOL, driver=local, label=KEY[=VALUE], name=TEXT)' -r
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from list" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from list" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from list" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from list" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only show volume names'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format the output with a Go template' -r
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from rm" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from rm" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from rm" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from rm" -s f -l force -d 'Remove volumes that only stopped containers use; a missing volume is no error'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from remove" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from remove" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from remove" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from remove" -s f -l force -d 'Remove volumes that only stopped containers use; a missing volume is no error'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from prune" -l filter -d 'Only some volumes (label=KEY[=VALUE], label!=KEY[=VALUE])' -r
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from prune" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from prune" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from prune" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused volumes, not just anonymous ones'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand volume; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand pull" -l platform -d 'Platform to pull from a multi-arch image (os/arch[/variant])' -r
complete -c rpod -n "__fish_rpod_using_subcommand pull" -l arch -d 'Architecture to pull, overriding the host\'s' -r
complete -c rpod -n "__fish_rpod_using_subcommand pull" -l os -d 'Operating system to pull, overriding the host\'s' -r
complete -c rpod -n "__fish_rpod_using_subcommand pull" -l variant -d 'Architecture variant to pull (e.g. v7)' -r
complete -c rpod -n "__fish_rpod_using_subcommand pull" -l creds -d 'Credentials (USERNAME[:PASSWORD]) for this pull only' -r
complete -c rpod -n "__fish_rpod_using_subcommand pull" -l tls-verify -d 'Require HTTPS and verify certificates (false also allows plain HTTP)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand pull" -l cert-dir -d 'Directory of certificates (*.crt CAs, *.cert/*.key client pairs)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand pull" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand pull" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand pull" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand pull" -s q -l quiet -d 'Print only the image ID'
complete -c rpod -n "__fish_rpod_using_subcommand pull" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand pull" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand images" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand images" -s f -l filter -d 'Filter output (dangling=BOOL, reference=PATTERN, label=KEY[=VALUE], before=IMAGE, since=IMAGE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand images" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand images" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand images" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand images" -s a -l all -d 'Show all images (rpod keeps no intermediate images, so the same list)'
complete -c rpod -n "__fish_rpod_using_subcommand images" -l digests -d 'Show digests'
complete -c rpod -n "__fish_rpod_using_subcommand images" -l no-trunc -d 'Don\'t truncate output'
complete -c rpod -n "__fish_rpod_using_subcommand images" -s q -l quiet -d 'Only show image IDs'
complete -c rpod -n "__fish_rpod_using_subcommand images" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand images" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -s f -l filter -d 'Filter output (dangling=BOOL, reference=PATTERN, label=KEY[=VALUE], before=IMAGE, since=IMAGE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -s a -l all -d 'Show all images (rpod keeps no intermediate images, so the same list)'
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -l digests -d 'Show digests'
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -l no-trunc -d 'Don\'t truncate output'
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -s q -l quiet -d 'Only show image IDs'
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image-ls" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -f -a "pull" -d 'Download an image from a registry'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -f -a "ls" -d 'List images'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -f -a "list" -d 'List images'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -f -a "rm" -d 'Remove one or more images'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -f -a "remove" -d 'Remove one or more images'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -f -a "tag" -d 'Create a tag TARGET that refers to SOURCE'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -f -a "prune" -d 'Remove unused images'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -f -a "inspect" -d 'Display detailed information on one or more images'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -f -a "history" -d 'Show the history of an image'
complete -c rpod -n "__fish_rpod_using_subcommand image; and not __fish_seen_subcommand_from pull ls list rm remove tag prune inspect history import" -f -a "import" -d 'Import a root filesystem tarball as an image'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -l platform -d 'Platform to pull from a multi-arch image (os/arch[/variant])' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -l arch -d 'Architecture to pull, overriding the host\'s' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -l os -d 'Operating system to pull, overriding the host\'s' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -l variant -d 'Architecture variant to pull (e.g. v7)' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -l creds -d 'Credentials (USERNAME[:PASSWORD]) for this pull only' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -l tls-verify -d 'Require HTTPS and verify certificates (false also allows plain HTTP)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -l cert-dir -d 'Directory of certificates (*.crt CAs, *.cert/*.key client pairs)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -s q -l quiet -d 'Print only the image ID'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from pull" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output (dangling=BOOL, reference=PATTERN, label=KEY[=VALUE], before=IMAGE, since=IMAGE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all images (rpod keeps no intermediate images, so the same list)'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -l digests -d 'Show digests'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Don\'t truncate output'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only show image IDs'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter output (dangling=BOOL, reference=PATTERN, label=KEY[=VALUE], before=IMAGE, since=IMAGE)' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -s a -l all -d 'Show all images (rpod keeps no intermediate images, so the same list)'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -l digests -d 'Show digests'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -l no-trunc -d 'Don\'t truncate output'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only show image IDs'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from rm" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from rm" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from rm" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from rm" -s f -l force -d 'Remove the image even when it has several names'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from remove" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from remove" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from remove" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from remove" -s f -l force -d 'Remove the image even when it has several names'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from tag" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from tag" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from tag" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from tag" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from tag" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from prune" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from prune" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from prune" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all images no container uses, not just dangling ones'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not ask for confirmation'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format the output with a Go template' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from inspect" -l type -d 'Only look for objects of this type' -r -f -a "container\t''
image\t''"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from inspect" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from inspect" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from inspect" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from history" -s H -l human -d 'Print sizes and dates in human readable format' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from history" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from history" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from history" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from history" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from history" -l no-trunc -d 'Don\'t truncate output'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Only show image IDs'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from import" -s c -l change -d 'Apply a Dockerfile instruction to the image config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL)' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from import" -s m -l message -d 'Commit message stored in the image history' -r
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from import" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from import" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from import" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand image; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand tag" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand tag" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand tag" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand tag" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand tag" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand rmi" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand rmi" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand rmi" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand rmi" -s f -l force -d 'Remove the image even when it has several names'
complete -c rpod -n "__fish_rpod_using_subcommand rmi" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand rmi" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand history" -s H -l human -d 'Print sizes and dates in human readable format' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand history" -l format -d 'Pretty-print with a Go template, `table …`, or `json`' -r
complete -c rpod -n "__fish_rpod_using_subcommand history" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand history" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand history" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand history" -l no-trunc -d 'Don\'t truncate output'
complete -c rpod -n "__fish_rpod_using_subcommand history" -s q -l quiet -d 'Only show image IDs'
complete -c rpod -n "__fish_rpod_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand history" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand inspect" -s f -l format -d 'Format the output with a Go template' -r
complete -c rpod -n "__fish_rpod_using_subcommand inspect" -l type -d 'Only look for objects of this type' -r -f -a "container\t''
image\t''"
complete -c rpod -n "__fish_rpod_using_subcommand inspect" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand inspect" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand inspect" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand import" -s c -l change -d 'Apply a Dockerfile instruction to the image config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL)' -r
complete -c rpod -n "__fish_rpod_using_subcommand import" -s m -l message -d 'Commit message stored in the image history' -r
complete -c rpod -n "__fish_rpod_using_subcommand import" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand import" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand import" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand import" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand login" -s u -l username -d 'Username' -r
complete -c rpod -n "__fish_rpod_using_subcommand login" -s p -l password -d 'Password (prefer --password-stdin)' -r
complete -c rpod -n "__fish_rpod_using_subcommand login" -l tls-verify -d 'Require HTTPS and verify certificates (false also allows plain HTTP)' -r -f -a "true\t''
false\t''"
complete -c rpod -n "__fish_rpod_using_subcommand login" -l cert-dir -d 'Directory of certificates (*.crt CAs, *.cert/*.key client pairs)' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand login" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand login" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand login" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand login" -l password-stdin -d 'Take the password from stdin'
complete -c rpod -n "__fish_rpod_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand login" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand logout" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand logout" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand logout" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand logout" -s a -l all -d 'Remove the credentials of every registry'
complete -c rpod -n "__fish_rpod_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand logout" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand info" -s f -l format -d 'Format the output with a Go template (or `json`)' -r
complete -c rpod -n "__fish_rpod_using_subcommand info" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand info" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand info" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand info" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand version" -s f -l format -d 'Format the output with a Go template (or `json`)' -r
complete -c rpod -n "__fish_rpod_using_subcommand version" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand version" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand version" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand version" -s V -l version -d 'Print version'
complete -c rpod -n "__fish_rpod_using_subcommand unshare" -l root -d 'Store root (images, layers, containers); default ~/.local/share/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand unshare" -l runroot -d 'Runtime state directory; default $XDG_RUNTIME_DIR/rpod' -r -F
complete -c rpod -n "__fish_rpod_using_subcommand unshare" -l storage-driver -d 'Rootfs driver of new containers; default overlay where it works, else fuse, else vfs' -r -f -a "overlay\t'Kernel overlayfs mounted inside the user namespace (records from before drivers were recorded are overlay ones)'
vfs\t'A full copy of the image\'s layers per container'
fuse\t'rpod\'s own union filesystem over FUSE'"
complete -c rpod -n "__fish_rpod_using_subcommand unshare" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rpod -n "__fish_rpod_using_subcommand unshare" -s V -l version -d 'Print version'
