# stscred shell integration for PowerShell. Load it with:
#   Invoke-Expression (& stscred shell-init powershell | Out-String)
#
# stscred use PROFILE    export PROFILE's credentials into this session
# stscred use            the same, PROFILE chosen in a picker on the terminal
# stscred use --off      remove them: the session is as it was before use
#                        (AWS_REGION, AWS_PROFILE... as they were)
# Before each prompt the credentials are renewed when fewer than
# STSCRED_REFRESH_WINDOW seconds (default 900) are left; while they are
# fresh this costs no process start. stscred_prompt_info [FORMAT] returns
# the profile and the time left (prod 42m, dev 7h59m) in FORMAT (default
# %s, which stands for them), and '' when no profile is in use; it renews
# first, so a prompt function defined after this file still renews, e.g.
#   function prompt { "$(stscred_prompt_info '(%s) ')PS $PWD> " }

$global:__stscredExe = (Get-Command stscred -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source

# The variables export sets or unsets. The first use remembers them;
# use --off, and each switch to another profile, gives them back as they
# were, so that no region or profile of the previous one stays.
$global:__stscredVars = 'AWS_ACCESS_KEY_ID','AWS_SECRET_ACCESS_KEY','AWS_SESSION_TOKEN','AWS_CREDENTIAL_EXPIRATION',
    'AWS_REGION','AWS_DEFAULT_REGION','AWS_PROFILE','AWS_DEFAULT_PROFILE','AWS_SECURITY_TOKEN'

# __stscred_snapshot: the variables' values, $null for those unset.
function global:__stscred_snapshot {
    $s = @{}
    foreach ($n in $global:__stscredVars) { $s[$n] = [Environment]::GetEnvironmentVariable($n) }
    return $s
}

# __stscred_apply: set the variables to a snapshot's values.
function global:__stscred_apply($s) {
    foreach ($n in $global:__stscredVars) { [Environment]::SetEnvironmentVariable($n, $s[$n]) }
}

function global:stscred {
    if ($args.Count -ge 1 -and $args[0] -eq 'use') {
        if ($args.Count -eq 2 -and $args[1] -eq '--off') {
            if ($global:__stscredSaved) {
                __stscred_apply $global:__stscredSaved
                $global:__stscredSaved = $null
            } else {
                foreach ($n in 'AWS_ACCESS_KEY_ID','AWS_SECRET_ACCESS_KEY','AWS_SESSION_TOKEN','AWS_CREDENTIAL_EXPIRATION') {
                    Remove-Item -Path "Env:$n" -ErrorAction SilentlyContinue
                }
            }
            if ($Env:STSCRED_PROFILE) {
                [Console]::Error.WriteLine("stscred: stopped using $($Env:STSCRED_PROFILE): the AWS variables are as they were before stscred use")
            } else {
                [Console]::Error.WriteLine('stscred: no profile in use')
            }
            foreach ($n in 'STSCRED_EXPIRES','STSCRED_PROFILE') {
                Remove-Item -Path "Env:$n" -ErrorAction SilentlyContinue
            }
            $global:__stscredRetryAt = 0; $global:__stscredTold = $null; $global:__stscredNeeds = $null
            return
        }
        if ($args.Count -eq 1 -and -not [Console]::IsInputRedirected -and $Env:TERM -ne 'dumb') {
            # Typed at a terminal without a profile: choose one in the
            # picker, which draws on the terminal (its output is only the
            # choice).
            $picked = & $global:__stscredExe pick
            if ($LASTEXITCODE -ne 0) { return }
            stscred use $picked
            return
        }
        if ($args.Count -ne 2) { Write-Error 'usage: stscred use PROFILE | stscred use --off'; return }
        # export sees the variables as before the first use; a failure
        # puts back what this session had.
        $current = __stscred_snapshot
        if ($global:__stscredSaved) { __stscred_apply $global:__stscredSaved }
        $out = & $global:__stscredExe export --use --format powershell -- $args[1]
        if ($LASTEXITCODE -ne 0) { __stscred_apply $current; return }
        if (-not $global:__stscredSaved) { $global:__stscredSaved = $current }
        __stscred_apply $global:__stscredSaved
        Invoke-Expression ($out -join "`n")
        $global:__stscredRetryAt = 0; $global:__stscredTold = $null; $global:__stscredNeeds = $null
        return
    }
    & $global:__stscredExe @args
}

function global:__stscred_hook {
    if (-not $Env:STSCRED_PROFILE) { return }
    if ($Env:STSCRED_EXPIRES -notmatch '^[0-9]+$') { return }
    $window = 900
    if ($Env:STSCRED_REFRESH_WINDOW -match '^[0-9]+$') { $window = [int64]$Env:STSCRED_REFRESH_WINDOW }
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if (([int64]$Env:STSCRED_EXPIRES - $now) -lt $window -and $now -ge $global:__stscredRetryAt) {
        # Never interactive: --hook asks for nothing; when it would need an
        # MFA code or a passphrase it says once what to run.
        if ($global:__stscredTold -eq $Env:STSCRED_PROFILE) {
            $out = & $global:__stscredExe export --hook --format powershell -- $Env:STSCRED_PROFILE 2>$null
        } else {
            $out = & $global:__stscredExe export --hook --format powershell -- $Env:STSCRED_PROFILE
        }
        switch ($LASTEXITCODE) {
            0 { Invoke-Expression ($out -join "`n"); $global:__stscredRetryAt = 0; $global:__stscredTold = $null; $global:__stscredNeeds = $null }
            3 { $global:__stscredTold = $Env:STSCRED_PROFILE; $global:__stscredNeeds = 'mfa?'; $global:__stscredRetryAt = $now + 60 }
            5 { $global:__stscredTold = $Env:STSCRED_PROFILE; $global:__stscredNeeds = 'passphrase?'; $global:__stscredRetryAt = $now + 60 }
            6 { $global:__stscredTold = $Env:STSCRED_PROFILE; $global:__stscredNeeds = 'sso login?'; $global:__stscredRetryAt = $now + 60 }
            7 { $global:__stscredTold = $Env:STSCRED_PROFILE; $global:__stscredNeeds = 'login?'; $global:__stscredRetryAt = $now + 60 }
            default { $global:__stscredRetryAt = $now + 60 }
        }
    }
}

# __stscred_left: the time left as stscred says it everywhere (42s, 42m,
# 7h59m, 3d).
function global:__stscred_left([int64]$s) {
    if ($s -ge 172800) { return '{0}d' -f [math]::Floor($s / 86400) }
    if ($s -ge 3600) { return '{0}h{1:00}m' -f [math]::Floor($s / 3600), [math]::Floor(($s % 3600) / 60) }
    if ($s -ge 60) { return '{0}m' -f [math]::Floor($s / 60) }
    return "${s}s"
}

function global:stscred_prompt_info([string]$format = '%s') {
    __stscred_hook
    if (-not $Env:STSCRED_PROFILE -or $Env:STSCRED_EXPIRES -notmatch '^[0-9]+$') { return '' }
    $info = "$Env:STSCRED_PROFILE expired"
    $left = [int64]$Env:STSCRED_EXPIRES - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($global:__stscredNeeds) { $info = "$Env:STSCRED_PROFILE $global:__stscredNeeds" }
    elseif ($left -gt 0) { $info = "$Env:STSCRED_PROFILE $(__stscred_left $left)" }
    return $format.Replace('%s', $info)
}

$global:__stscredRetryAt = 0
if (-not $global:__stscredOrigPrompt) {
    $global:__stscredOrigPrompt = $function:prompt
    function global:prompt { __stscred_hook; & $global:__stscredOrigPrompt }
}
