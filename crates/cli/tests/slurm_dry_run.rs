//! deploy/slurm/pipeline.sh --dry-run: the plan it prints must simulate every shard K = 1..N
//! exactly once into its own store, merge exactly those stores after the whole array
//! (afterok), and train on the merged store after the merge (afterok). Needs bash only.
//! (That shards + merge equal one run is tested in crates/data/tests/data/pipeline.rs,
//! `shards_then_merge_equal_one_run`.)

use std::path::PathBuf;
use std::process::Command;

fn pipeline(args: &[&str]) -> (i32, String, String) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/slurm/pipeline.sh");
    let out = Command::new("bash").arg(&script).args(args).env_remove("DRY_RUN").output().expect("bash runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    let hits: Vec<&str> = text.lines().filter(|l| l.starts_with(prefix)).collect();
    assert_eq!(hits.len(), 1, "one line starting '{prefix}' in:\n{text}");
    hits[0]
}

#[test]
fn dry_run_plans_every_shard_once_then_merge_then_training() {
    let n = 7;
    let (rc, out, err) = pipeline(&[
        "--dry-run", "--shards", "7", "--shard-dir", "sh", "--dataset", "ds.zarr", "--run", "runs/r1", "--gpus", "2",
        "--train-minutes", "60", "--train", "max_steps=500", "configs/simulate.toml", "simulations=70", "seed=4",
    ]);
    assert_eq!(rc, 0, "{err}");

    // Array job of N tasks.
    let array = line(&out, "job array: ");
    assert!(array.contains("--array=1-7 ") && array.ends_with("-> ARRAY_JOB_ID"), "{array}");

    // Each task K = 1..N exactly once, with its own shard and store, and the same overrides.
    let tasks: Vec<&str> = out.lines().filter(|l| l.starts_with("array task ")).collect();
    assert_eq!(tasks.len(), n, "{out}");
    let mut seen = vec![0; n + 1];
    for t in &tasks {
        let words: Vec<&str> = t.split_whitespace().collect();
        let shard = words[words.iter().position(|w| *w == "--shard").expect("--shard") + 1];
        let (k, of) = shard.split_once('/').unwrap();
        let k: usize = k.parse().unwrap();
        assert_eq!(of, "7", "{t}");
        assert!((1..=n).contains(&k), "{t}");
        seen[k] += 1;
        assert!(t.starts_with(&format!("array task {k}/7: lfdeep simulate configs/simulate.toml simulations=70 seed=4 ")), "{t}");
        assert!(t.contains(&format!("--out sh/shard-{k:03}-of-7.zarr")), "{t}");
    }
    assert!(seen[1..].iter().all(|&c| c == 1), "shard counts {seen:?}");

    // Merge: after the array, exactly the N shard stores, into the dataset, then checked.
    let merge = line(&out, "job merge: ");
    assert!(merge.contains("--dependency=afterok:ARRAY_JOB_ID ") && merge.ends_with("-> MERGE_JOB_ID"), "{merge}");
    let merge_runs = line(&out, "merge job runs: ");
    for k in 1..=n {
        assert_eq!(merge_runs.matches(&format!("sh/shard-{k:03}-of-7.zarr")).count(), 1, "{merge_runs}");
    }
    assert_eq!(merge_runs.matches(".zarr").count(), n + 2, "N shards, --out and check: {merge_runs}");
    assert!(merge_runs.contains("--out ds.zarr && lfdeep dataset check ds.zarr"), "{merge_runs}");

    // Training: after the merge, on the merged store, both GPUs, budget 5 min below the limit.
    let train = line(&out, "job train: ");
    assert!(train.contains("--dependency=afterok:MERGE_JOB_ID ") && train.contains("--gres=gpu:2 ") && train.contains("--time=60 "), "{train}");
    let train_runs = line(&out, "train job runs: ");
    assert!(
        train_runs.contains("lfdeep train configs/mmoe.toml max_steps=500 train.max_seconds=3300 --data ds.zarr --out runs/r1 --device all"),
        "{train_runs}"
    );
    assert!(train_runs.contains("lfdeep train --resume runs/r1 "), "a resubmitted job resumes: {train_runs}");
}

#[test]
fn bad_arguments_are_refused_with_the_option_named() {
    let (rc, _, err) = pipeline(&["--dry-run", "--shards", "0", "configs/simulate.toml"]);
    assert_ne!(rc, 0);
    assert!(err.contains("SHARDS must be a positive integer"), "{err}");
    let (rc, _, err) = pipeline(&["--dry-run"]);
    assert_ne!(rc, 0);
    assert!(err.contains("simulation config"), "{err}");
    let (rc, _, err) = pipeline(&["--dry-run", "--bogus", "configs/simulate.toml"]);
    assert_ne!(rc, 0);
    assert!(err.contains("unknown option --bogus"), "{err}");
}
