# stscred shell integration for fish. Load it with:
#   stscred shell-init fish | source
#
# stscred use PROFILE    export PROFILE's credentials into this shell
# stscred use --off      remove them
# Before each prompt the credentials are renewed when fewer than
# STSCRED_REFRESH_WINDOW seconds (default 900) are left; while they are
# fresh this costs no process start (the clock is read with the path
# builtin). stscred_prompt_info prints the profile and minutes left; the
# global STSCRED_PROMPT_INFO holds the same.

function stscred --description 'stscred, with "stscred use" changing this shell'
    if test (count $argv) -ge 1; and test "$argv[1]" = use
        if test (count $argv) -eq 2; and test "$argv[2]" = --off
            set -e AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION STSCRED_EXPIRES STSCRED_PROFILE STSCRED_PROMPT_INFO __stscred_retry_at __stscred_told __stscred_needs
            return 0
        end
        if test (count $argv) -ne 2
            echo "usage: stscred use PROFILE | stscred use --off" >&2
            return 2
        end
        set -l out (command stscred export --format fish -- $argv[2]); or return $status
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
            case '*'
                set -g __stscred_retry_at (math $now + 60) # don't retry at every prompt
        end
        string match -qr '^[0-9]+$' -- "$STSCRED_EXPIRES"; or return
    end
    if set -q __stscred_needs; and test -n "$__stscred_needs"
        set -g STSCRED_PROMPT_INFO "$STSCRED_PROFILE $__stscred_needs"
    else if test $STSCRED_EXPIRES -gt $now
        set -g STSCRED_PROMPT_INFO "$STSCRED_PROFILE "(math --scale=0 "($STSCRED_EXPIRES - $now) / 60")m
    else
        set -g STSCRED_PROMPT_INFO "$STSCRED_PROFILE expired"
    end
end

function stscred_prompt_info
    set -q STSCRED_PROMPT_INFO; and test -n "$STSCRED_PROMPT_INFO"; and printf '%s' $STSCRED_PROMPT_INFO
end
