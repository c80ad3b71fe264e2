# stscred shell integration for fish. Load it with:
#   stscred shell-init fish | source
#
# stscred use PROFILE    export PROFILE's credentials into this shell
# stscred use            the same, PROFILE chosen in a picker on the terminal
# stscred use --off      remove them: the shell is as it was before use
#                        (AWS_REGION, AWS_PROFILE... as they were)
# Before each prompt the credentials are renewed when fewer than
# STSCRED_REFRESH_WINDOW seconds (default 900) are left; while they are
# fresh this costs no process start (the clock is read with the path
# builtin). The global STSCRED_PROMPT_INFO holds the profile and the time
# left (prod 42m, dev 7h59m), empty when no profile is in use;
# stscred_prompt_info [FORMAT] prints it (in FORMAT, %s standing for it)
# and nothing when no profile is in use, e.g. in config.fish:
#   function fish_prompt
#       stscred_prompt_info '(%s) '
#       printf '%s> ' (prompt_pwd)
#   end

# The variables export sets or unsets. The first use remembers them;
# use --off, and each switch to another profile, gives them back as they
# were, so that no region or profile of the previous one stays.
set -g __stscred_vars AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION \
    AWS_REGION AWS_DEFAULT_REGION AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN

function __stscred_save
    set -q __stscred_saved; and return 0
    set -g __stscred_saved 1
    for v in $__stscred_vars
        set -e -g __stscred_old_$v __stscred_had_$v
        if set -q $v
            set -g __stscred_old_$v $$v
            set -g __stscred_had_$v 1
        end
    end
end

function __stscred_restore
    for v in $__stscred_vars
        set -l had __stscred_had_$v
        set -l old __stscred_old_$v
        if set -q $had
            set -gx $v $$old
        else
            set -e -g $v
        end
    end
    true
end

function stscred --description 'stscred, with "stscred use" changing this shell'
    if test (count $argv) -ge 1; and test "$argv[1]" = use
        if test (count $argv) -eq 2; and test "$argv[2]" = --off
            if set -q __stscred_saved
                __stscred_restore
                for v in $__stscred_vars
                    set -e -g __stscred_old_$v __stscred_had_$v
                end
            else
                set -e AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION
            end
            if set -q STSCRED_PROFILE; and test -n "$STSCRED_PROFILE"
                printf 'stscred: stopped using %s: the AWS variables are as they were before stscred use\n' "$STSCRED_PROFILE" >&2
            else
                printf 'stscred: no profile in use\n' >&2
            end
            set -e STSCRED_EXPIRES STSCRED_PROFILE STSCRED_PROMPT_INFO __stscred_retry_at __stscred_told __stscred_needs __stscred_saved
            return 0
        end
        if test (count $argv) -eq 1; and isatty stdin; and test "$TERM" != dumb
            # Typed at a terminal without a profile: choose one in the
            # picker, which draws on the terminal (stdout here is only its
            # choice).
            set -l picked (command stscred pick); or return $status
            set argv use $picked
        end
        if test (count $argv) -ne 2
            echo "usage: stscred use PROFILE | stscred use --off" >&2
            return 2
        end
        set -l out
        if set -q __stscred_saved
            set -l envargs
            # Built as a list, never split again: a value may hold anything.
            for v in $__stscred_vars
                set -a envargs -u $v
            end
            for v in $__stscred_vars
                set -l had __stscred_had_$v
                set -l old __stscred_old_$v
                set -q $had; and set -a envargs "$v=$$old"
            end
            set out (command env $envargs stscred export --use --format fish -- $argv[2]); or return $status
        else
            set out (command stscred export --use --format fish -- $argv[2]); or return $status
        end
        __stscred_save
        __stscred_restore
        string join \n -- $out | source
        set -g __stscred_retry_at 0
        set -e __stscred_told __stscred_needs
        __stscred_hook
        return 0
    end
    command stscred $argv
end

function __stscred_now
    # fish has no clock builtin; "path mtime" (fish >= 3.5) tells a file's
    # modification time and how long ago that was: their sum is now.
    if builtin -q path
        set -l m (path mtime /)
        set -l r (path mtime --relative /)
        math $m + $r
    else
        date +%s
    end
end

function __stscred_hook --on-event fish_prompt
    if not set -q STSCRED_PROFILE
        set -g STSCRED_PROMPT_INFO
        return
    end
    string match -qr '^[0-9]+$' -- "$STSCRED_EXPIRES"; or return
    set -l window 900
    string match -qr '^[0-9]+$' -- "$STSCRED_REFRESH_WINDOW"; and set window $STSCRED_REFRESH_WINDOW
    string match -qr '^[0-9]+$' -- "$__stscred_retry_at"; or set -g __stscred_retry_at 0
    set -l now (__stscred_now)
    if test (math $STSCRED_EXPIRES - $now) -lt $window; and test $now -ge $__stscred_retry_at
        # Never interactive: --hook asks for nothing; when it would need
        # an MFA code or a passphrase it says once what to run, and the
        # prompt segment says so until then.
        set -l out
        if set -q __stscred_told; and test "$__stscred_told" = "$STSCRED_PROFILE"
            set out (command stscred export --hook --format fish -- $STSCRED_PROFILE 2>/dev/null)
        else
            set out (command stscred export --hook --format fish -- $STSCRED_PROFILE)
        end
        switch $status
            case 0
                string join \n -- $out | source
                set -g __stscred_retry_at 0
                set -e __stscred_told __stscred_needs
            case 3
                set -g __stscred_told $STSCRED_PROFILE
                set -g __stscred_needs 'mfa?'
                set -g __stscred_retry_at (math $now + 60)
            case 5
                set -g __stscred_told $STSCRED_PROFILE
                set -g __stscred_needs 'passphrase?'
                set -g __stscred_retry_at (math $now + 60)
            case 6
                set -g __stscred_told $STSCRED_PROFILE
                set -g __stscred_needs 'sso login?'
                set -g __stscred_retry_at (math $now + 60)
            case 7
                set -g __stscred_told $STSCRED_PROFILE
                set -g __stscred_needs 'login?'
                set -g __stscred_retry_at (math $now + 60)
            case '*'
                set -g __stscred_retry_at (math $now + 60) # don't retry at every prompt
        end
        string match -qr '^[0-9]+$' -- "$STSCRED_EXPIRES"; or return
    end
    if set -q __stscred_needs; and test -n "$__stscred_needs"
        set -g STSCRED_PROMPT_INFO "$STSCRED_PROFILE $__stscred_needs"
    else if test $STSCRED_EXPIRES -gt $now
        set -g STSCRED_PROMPT_INFO "$STSCRED_PROFILE "(__stscred_left (math $STSCRED_EXPIRES - $now))
    else
        set -g STSCRED_PROMPT_INFO "$STSCRED_PROFILE expired"
    end
end

# __stscred_left SECONDS: the time left as stscred says it everywhere
# (42s, 42m, 7h59m, 3d); math and printf are builtins.
function __stscred_left
    set -l s $argv[1]
    if test $s -ge 172800
        printf '%dd' (math --scale=0 "$s / 86400")
    else if test $s -ge 3600
        printf '%dh%02dm' (math --scale=0 "$s / 3600") (math --scale=0 "($s % 3600) / 60")
    else if test $s -ge 60
        printf '%dm' (math --scale=0 "$s / 60")
    else
        printf '%ds' $s
    end
end

# stscred_prompt_info [FORMAT]: the profile in use and its time left, in
# FORMAT (default %s); nothing at all when no profile is in use.
function stscred_prompt_info
    set -q STSCRED_PROMPT_INFO[1]; and test -n "$STSCRED_PROMPT_INFO[1]"; or return 0
    set -l format %s
    set -q argv[1]; and set format $argv[1]
    printf $format $STSCRED_PROMPT_INFO[1]
end
