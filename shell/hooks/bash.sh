# stscred shell integration for bash. Load it with:
#   eval "$(stscred shell-init bash)"
#
# stscred use PROFILE    export PROFILE's credentials into this shell
# stscred use            the same, PROFILE chosen in a picker on the terminal
# stscred use --off      remove them: the shell is as it was before use
#                        (AWS_REGION, AWS_PROFILE... as they were)
# Before each prompt the credentials are renewed when fewer than
# STSCRED_REFRESH_WINDOW seconds (default 900) are left; while they are
# fresh this costs no process start. STSCRED_PROMPT_INFO holds the
# profile and the time left (prod 42m, dev 7h59m), empty when no profile
# is in use, for a fork-free PS1:
#   PS1='${STSCRED_PROMPT_INFO:+($STSCRED_PROMPT_INFO) }'"$PS1"
# stscred_prompt_info [FORMAT] prints it (in FORMAT, %s standing for it),
# and nothing when no profile is in use.

# The variables export sets or unsets. The first use remembers them;
# use --off, and each switch to another profile, gives them back as they
# were, so that no region or profile of the previous one stays.
__stscred_vars=(AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION
  AWS_REGION AWS_DEFAULT_REGION AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN)

__stscred_save() {
  [ -n "${__stscred_saved-}" ] && return 0
  __stscred_saved=1
  local __stscred_v
  for __stscred_v in "${__stscred_vars[@]}"; do
    if [ -n "${!__stscred_v+x}" ]; then
      printf -v "__stscred_old_$__stscred_v" '%s' "${!__stscred_v}"
      printf -v "__stscred_had_$__stscred_v" '%s' 1
    else
      unset "__stscred_old_$__stscred_v" "__stscred_had_$__stscred_v"
    fi
  done
}

__stscred_restore() {
  local __stscred_v __stscred_h __stscred_o
  for __stscred_v in "${__stscred_vars[@]}"; do
    __stscred_h=__stscred_had_$__stscred_v __stscred_o=__stscred_old_$__stscred_v
    if [ -n "${!__stscred_h-}" ]; then
      export "$__stscred_v=${!__stscred_o}"
    else
      unset "$__stscred_v"
    fi
  done
}

stscred() {
  if [ "${1-}" = use ]; then
    shift
    if [ "${1-}" = --off ]; then
      if [ -n "${__stscred_saved-}" ]; then
        __stscred_restore
        local __stscred_v
        for __stscred_v in "${__stscred_vars[@]}"; do
          unset "__stscred_old_$__stscred_v" "__stscred_had_$__stscred_v"
        done
      else
        unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION
      fi
      if [ -n "${STSCRED_PROFILE-}" ]; then
        printf 'stscred: stopped using %s: the AWS variables are as they were before stscred use\n' "$STSCRED_PROFILE" >&2
      else
        printf 'stscred: no profile in use\n' >&2
      fi
      unset STSCRED_EXPIRES STSCRED_PROFILE STSCRED_PROMPT_INFO __stscred_retry_at __stscred_told __stscred_needs __stscred_saved
      return 0
    fi
    if [ $# -eq 0 ] && [ -t 0 ] && [ "${TERM-}" != dumb ]; then
      # Typed at a terminal without a profile: choose one in the picker,
      # which draws on the terminal (stdout here is only its choice).
      local __stscred_pick
      __stscred_pick=$(command stscred pick) || return
      set -- "$__stscred_pick"
    fi
    if [ $# -ne 1 ]; then
      echo "usage: stscred use PROFILE | stscred use --off" >&2
      return 2
    fi
    local __stscred_out
    # In a subshell: export sees the variables as before the first use.
    __stscred_out=$([ -z "${__stscred_saved-}" ] || __stscred_restore; command stscred export --use --format sh -- "$1") || return
    __stscred_save
    __stscred_restore
    eval "$__stscred_out"
    __stscred_retry_at=0 __stscred_told= __stscred_needs=
    __stscred_hook
    return 0
  fi
  command stscred "$@"
}

__stscred_now() {
  if [ -n "${EPOCHSECONDS-}" ]; then
    __stscred_t=$EPOCHSECONDS
  else
    printf -v __stscred_t '%(%s)T' -1 2>/dev/null || __stscred_t=$(date +%s)
  fi
}

__stscred_hook() {
  local __stscred_status=$? __stscred_t __stscred_out __stscred_window=900
  if [ -z "${STSCRED_PROFILE-}" ]; then
    STSCRED_PROMPT_INFO=
    return $__stscred_status
  fi
  # Only digits reach arithmetic: bash evaluates variables in (( )).
  case ${STSCRED_EXPIRES-} in ''|*[!0-9]*) return $__stscred_status ;; esac
  case ${STSCRED_REFRESH_WINDOW-} in ''|*[!0-9]*) ;; *) __stscred_window=$STSCRED_REFRESH_WINDOW ;; esac
  case ${__stscred_retry_at-} in ''|*[!0-9]*) __stscred_retry_at=0 ;; esac
  __stscred_now
  if (( STSCRED_EXPIRES - __stscred_t < __stscred_window )) &&
     (( __stscred_t >= __stscred_retry_at )); then
    # Never interactive: --hook asks for nothing; when it would need an
    # MFA code or a passphrase it says once what to run, and the prompt
    # segment says so until then.
    local __stscred_rc=0
    if [ "${__stscred_told-}" = "$STSCRED_PROFILE" ]; then
      __stscred_out=$(command stscred export --hook --format sh -- "$STSCRED_PROFILE" 2>/dev/null) || __stscred_rc=$?
    else
      __stscred_out=$(command stscred export --hook --format sh -- "$STSCRED_PROFILE") || __stscred_rc=$?
    fi
    case $__stscred_rc in
      0) eval "$__stscred_out"; __stscred_retry_at=0 __stscred_told= __stscred_needs= ;;
      3) __stscred_told=$STSCRED_PROFILE __stscred_needs=mfa? __stscred_retry_at=$(( __stscred_t + 60 )) ;;
      5) __stscred_told=$STSCRED_PROFILE __stscred_needs=passphrase? __stscred_retry_at=$(( __stscred_t + 60 )) ;;
      6) __stscred_told=$STSCRED_PROFILE __stscred_needs='sso login?' __stscred_retry_at=$(( __stscred_t + 60 )) ;;
      7) __stscred_told=$STSCRED_PROFILE __stscred_needs='login?' __stscred_retry_at=$(( __stscred_t + 60 )) ;;
      *) __stscred_retry_at=$(( __stscred_t + 60 )) ;;  # don't retry at every prompt
    esac
    case ${STSCRED_EXPIRES-} in ''|*[!0-9]*) return $__stscred_status ;; esac
  fi
  if [ -n "${__stscred_needs-}" ]; then
    STSCRED_PROMPT_INFO="$STSCRED_PROFILE $__stscred_needs"
  elif (( STSCRED_EXPIRES > __stscred_t )); then
    __stscred_left $(( STSCRED_EXPIRES - __stscred_t ))
    STSCRED_PROMPT_INFO="$STSCRED_PROFILE $__stscred_out"
  else
    STSCRED_PROMPT_INFO="$STSCRED_PROFILE expired"
  fi
  return $__stscred_status
}

# __stscred_left SECONDS: the time left as stscred says it everywhere
# (42s, 42m, 7h59m, 3d), into __stscred_out, without a fork.
__stscred_left() {
  if (( $1 >= 172800 )); then
    __stscred_out="$(( $1 / 86400 ))d"
  elif (( $1 >= 3600 )); then
    printf -v __stscred_out '%dh%02dm' $(( $1 / 3600 )) $(( $1 % 3600 / 60 ))
  elif (( $1 >= 60 )); then
    __stscred_out="$(( $1 / 60 ))m"
  else
    __stscred_out="$1s"
  fi
}

# stscred_prompt_info [FORMAT]: the profile in use and its time left, in
# FORMAT (default %s); nothing at all when no profile is in use.
stscred_prompt_info() {
  [ -n "${STSCRED_PROMPT_INFO-}" ] && printf -- "${1-%s}" "$STSCRED_PROMPT_INFO"
  return 0
}

case ";${PROMPT_COMMAND[*]-};" in
  *";__stscred_hook;"*) ;;
  *) PROMPT_COMMAND="__stscred_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac
