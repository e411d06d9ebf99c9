//! Calls `get_session` once: `size-sdk-one URL TOKEN SESSION_ID [CA_PEM_FILE]`.
#![forbid(unsafe_code)]
use blackbox::Blackbox;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_owned());
    let mut builder = Blackbox::builder()
        .server_url(arg(0, "https://127.0.0.1:8443"))
        .token(arg(1, "token"));
    if let Some(path) = args.get(3) {
        match std::fs::read(path) {
            Ok(pem) => builder = builder.add_root_certificate_pem(pem),
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let Ok(id) = arg(2, "fe603112-c194-45c1-90cf-513753aa0744").parse::<blackbox::uuid::Uuid>()
    else {
        eprintln!("bad session id");
        return ExitCode::FAILURE;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let result = runtime.block_on(async {
        let blackbox = builder.build()?;
        blackbox.session_management().get_session(id).await
    });
    match result {
        Ok(answer) => {
            println!("{}", answer.data.map_or(false, |session| session.id == id));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
